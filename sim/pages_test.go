package sim

import (
	"testing"

	"pgregory.net/rapid"
)

// TestPagesKeepRecordsInPlace: whatever mix of pushes and compactions,
// Pages holds the records a slice would, in the same order, a record's
// address stays put until a compaction moves it, and a compaction lets go
// of every page past the last record.
func TestPagesKeepRecordsInPlace(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var p Pages[int64]
		var want []int64
		next := int64(1)
		for range rapid.IntRange(1, 30).Draw(t, "steps") {
			if rapid.Bool().Draw(t, "compact") {
				cut := rapid.Int64Range(0, next).Draw(t, "cut")
				kept := want[:0]
				for _, v := range want {
					if v%3 != cut%3 {
						kept = append(kept, v)
					}
				}
				want = kept
				got := map[int64]int32{}
				p.Compact(func(v *int64) bool { return *v%3 != cut%3 }, func(v *int64, i int32) { got[*v] = i })
				for i, v := range want {
					if got[v] != int32(i) {
						t.Fatalf("record %d moved to %d, want %d", v, got[v], i)
					}
				}
				if need := (len(want) + PageLen - 1) / PageLen; p.Pages() != need {
					t.Fatalf("%d pages for %d records, want %d", p.Pages(), len(want), need)
				}
				continue
			}
			var first *int64
			if p.Len() > 0 {
				first = p.At(0)
			}
			for range rapid.IntRange(1, 3*PageLen).Draw(t, "pushes") {
				if i := p.Push(next); int(i) != len(want) {
					t.Fatalf("push returned %d, want %d", i, len(want))
				}
				want = append(want, next)
				next++
			}
			if first != nil && first != p.At(0) {
				t.Fatal("a push moved the first record")
			}
		}
		if p.Len() != len(want) {
			t.Fatalf("len %d, want %d", p.Len(), len(want))
		}
		for i, v := range want {
			if got := *p.At(int32(i)); got != v {
				t.Fatalf("record %d is %d, want %d", i, got, v)
			}
		}
	})
}

// TestPagesByIDDropWholePages: a table grown, pushed to and with pages
// dropped (before or after they were made) reads as a slice would, with
// the dropped pages' entries zero, and holds no dropped page.
func TestPagesByIDDropWholePages(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var p Pages[int64]
		var want []int64
		dropped := map[int]bool{}
		for range rapid.IntRange(1, 20).Draw(t, "steps") {
			switch rapid.IntRange(0, 2).Draw(t, "op") {
			case 0:
				for range rapid.IntRange(1, 2*PageLen).Draw(t, "pushes") {
					v := int64(len(want) + 1)
					if i := p.Push(v); int(i) != len(want) {
						t.Fatalf("push returned %d, want %d", i, len(want))
					}
					want = append(want, v)
				}
			case 1:
				n := len(want) + rapid.IntRange(0, 2*PageLen).Draw(t, "grow")
				p.Grow(n)
				want = append(want, make([]int64, n-len(want))...)
			case 2:
				// A full page or one not made yet, up to two past the
				// last made; never one partly filled, as with the
				// engine's IDs, whose page is full before its last
				// agent is reaped.
				k := rapid.IntRange(0, len(want)/PageLen+2).Draw(t, "page")
				if k*PageLen < len(want) && len(want) < (k+1)*PageLen {
					continue
				}
				p.Drop(k)
				dropped[k] = true
				for len(want) < (k+1)*PageLen {
					want = append(want, 0)
				}
			}
			if p.Len() != len(want) {
				t.Fatalf("len %d, want %d", p.Len(), len(want))
			}
		}
		for i := -1; i < len(want)+PageLen; i++ {
			w := int64(0)
			if i >= 0 && i < len(want) && !dropped[i/PageLen] {
				w = want[i]
			}
			if got := p.Get(int32(i)); got != w {
				t.Fatalf("Get(%d) = %d, want %d", i, got, w)
			}
			// Ref points at exactly the records Get reads: none past
			// Len, even where the last page has room.
			held := i >= 0 && i < len(want) && !dropped[i/PageLen]
			if r := p.Ref(int32(i)); (r != nil) != held || r != nil && *r != w {
				t.Fatalf("Ref(%d) = %v, want a record: %v", i, r, held)
			}
			if i >= 0 && i < len(want) && !dropped[i/PageLen] && *p.At(int32(i)) != w {
				t.Fatalf("At(%d) = %d, want %d", i, *p.At(int32(i)), w)
			}
		}
		for k, pg := range p.pages {
			if dropped[k] && pg != nil {
				t.Fatalf("page %d was dropped and is held", k)
			}
		}
	})
}
