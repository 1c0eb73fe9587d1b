package runner

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/ecosim/ecosim/sim"
)

// appendEvent appends ev as one line of JSON, byte for byte what
// json.Marshal writes, without reflection or an allocation per event: a
// big world emits hundreds of thousands of births and deaths a tick, written
// from the serial part of the apply phase.
func appendEvent(b []byte, ev sim.Event) []byte {
	if !plain(ev.Type) || !plain(ev.Kind) || !plain(ev.Cause) {
		// Anything needing escapes goes the general way.
		j, err := json.Marshal(ev)
		if err != nil {
			panic(err) // a struct of numbers and strings always marshals
		}
		return append(append(b, j...), '\n')
	}
	b = append(b, `{"tick":`...)
	b = strconv.AppendInt(b, int64(ev.Tick), 10)
	b = append(b, `,"type":"`...)
	b = append(b, ev.Type...)
	b = append(b, `","agent":`...)
	b = strconv.AppendInt(b, int64(ev.Agent), 10)
	if ev.Kind != "" {
		b = append(b, `,"kind":"`...)
		b = append(b, ev.Kind...)
		b = append(b, '"')
	}
	if ev.Cause != "" {
		b = append(b, `,"cause":"`...)
		b = append(b, ev.Cause...)
		b = append(b, '"')
	}
	if ev.Other != 0 {
		b = append(b, `,"other":`...)
		b = strconv.AppendInt(b, int64(ev.Other), 10)
	}
	if ev.X != 0 {
		b = append(b, `,"x":`...)
		b = strconv.AppendInt(b, int64(ev.X), 10)
	}
	if ev.Y != 0 {
		b = append(b, `,"y":`...)
		b = strconv.AppendInt(b, int64(ev.Y), 10)
	}
	if ev.Value != 0 {
		b = append(b, `,"value":`...)
		b = appendJSONFloat(b, ev.Value)
	}
	return append(b, "}\n"...)
}

// plain reports whether s can go into JSON between quotes as it is: ASCII
// letters, digits and a few marks, nothing encoding/json would escape.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// appendJSONFloat formats a finite f as encoding/json does: the shortest
// representation, in exponent form only for very small or large magnitudes,
// with a two-digit negative exponent trimmed to one digit.
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 becomes e-9.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
