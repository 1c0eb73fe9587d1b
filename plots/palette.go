package plots

import "image/color"

// Okabe–Ito colours: distinguishable with every common form of colour
// blindness, and in greyscale by lightness.
var (
	black     = color.NRGBA{0, 0, 0, 255}
	orange    = color.NRGBA{230, 159, 0, 255}
	skyBlue   = color.NRGBA{86, 180, 233, 255}
	green     = color.NRGBA{0, 158, 115, 255}
	yellow    = color.NRGBA{240, 228, 66, 255}
	blue      = color.NRGBA{0, 114, 178, 255}
	vermilion = color.NRGBA{213, 94, 0, 255}
	purple    = color.NRGBA{204, 121, 167, 255}
	grey      = color.NRGBA{128, 128, 128, 255}
)

// runColour and controlColour keep a run and its paired control the same
// colours in every chart.
var (
	runColour     = vermilion
	controlColour = blue
)

// series colours in order.
var seriesColours = []color.NRGBA{blue, vermilion, green, orange, purple, skyBlue, yellow, black}

func withAlpha(c color.NRGBA, a uint8) color.NRGBA {
	c.A = a
	return c
}

// shade mixes c towards white by t in [0, 1]: low-carbon trees are drawn
// paler than well-fed ones.
func shade(c color.NRGBA, t float64) color.NRGBA {
	t = max(0, min(1, t))
	mix := func(v uint8) uint8 { return uint8(float64(v) + (255-float64(v))*t) }
	return color.NRGBA{mix(c.R), mix(c.G), mix(c.B), c.A}
}
