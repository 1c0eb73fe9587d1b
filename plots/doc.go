// Package plots will draw charts from recorded run data; it is empty until
// the charts land.
package plots
