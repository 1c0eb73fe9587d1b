// Package resilience measures how an indicator held up under failures,
// against a paired control run: resistance, recovery time, resilience loss
// (the resilience triangle of Bruneau et al. 2003) and final ratio, and
// summarises figures over replicates with confidence intervals. Pure
// functions over series; no I/O.
package resilience
