package sim

// Pages holds records in fixed pages that never move, for tables that grow
// one record at a time and are compacted now and then: the engine's
// contexts and a model's agent records. In one slice each growth copies every
// record and, until the copy is done, holds both (at a million trees, 180
// MB more at the peak), and the slice keeps spare room it may never use.
// Pages grow one at a time and are never copied; a compaction moves the
// records it keeps down in place and lets go of the pages it emptied.
// Records are indexed from 0, and a pointer to one stays good until the
// next Compact.
type Pages[T any] struct {
	pages []*[PageLen]T
	n     int
}

// pageShift sets how many records a page holds, 2^pageShift: enough that
// the page table stays small (a million records need about a thousand
// pages), few enough that a small table's last page wastes little.
const pageShift = 10

// PageLen is the number of records a page holds.
const PageLen = 1 << pageShift

// At returns record i; i must be below Len().
func (p *Pages[T]) At(i int32) *T {
	return &p.pages[i>>pageShift][i&(PageLen-1)]
}

// Len is the number of records held.
func (p *Pages[T]) Len() int { return p.n }

// Pages is the number of pages held.
func (p *Pages[T]) Pages() int { return len(p.pages) }

// Push appends v and returns its index.
func (p *Pages[T]) Push(v T) int32 {
	if p.n == len(p.pages)<<pageShift {
		p.pages = append(p.pages, new([PageLen]T))
	}
	i := int32(p.n)
	p.n++
	*p.At(i) = v
	return i
}

// Grow pushes zero records until Len is at least n.
func (p *Pages[T]) Grow(n int) {
	for p.n < n {
		if p.n == len(p.pages)<<pageShift {
			p.pages = append(p.pages, new([PageLen]T))
		}
		p.n = min(n, len(p.pages)<<pageShift)
	}
}

// Get returns record i, or the zero value when i is outside the table or
// its page was dropped: for lookups by an ID that may belong to an agent
// long gone.
func (p *Pages[T]) Get(i int32) (v T) {
	if r := p.Ref(i); r != nil {
		v = *r
	}
	return v
}

// Ref returns a pointer to record i, or nil when i is outside the table or
// its page was dropped; unlike Get it copies nothing, so it may point into
// a record whose other fields another goroutine is writing.
func (p *Pages[T]) Ref(i int32) *T {
	// One unsigned comparison rules out a negative i and one past Len; a
	// zero record past Len in the last page must not pass for a made one.
	if uint(i) < uint(p.n) {
		if pg := p.pages[i>>pageShift]; pg != nil {
			return &pg[i&(PageLen-1)]
		}
	}
	return nil
}

// Drop lets go of page k, records k·PageLen to (k+1)·PageLen-1, of a table
// indexed by agent ID once every agent in it has been reaped, so that a long
// run's tables hold the IDs still in use rather than every ID it has handed
// out. At must not be asked for those records again; Get returns zero
// values for them. A table with dropped pages must not be compacted, and a
// page partly filled must not be dropped.
//
// A page past the end is dropped before it is made, as when every ID in it
// was handed out to agents the table never saw (the network's, say, to ants
// that are never nodes).
func (p *Pages[T]) Drop(k int) {
	if k < len(p.pages) {
		p.pages[k] = nil
		return
	}
	p.Grow(k << pageShift)
	p.pages = append(p.pages, nil)
	p.n = len(p.pages) << pageShift
}

// pageTally counts, by page of a table indexed by agent ID or link index,
// how many of its entries are done with (agents reaped, links removed).
type pageTally []int32

// add counts entry i as done with and reports its page, and whether that
// page is now done with entirely. Every entry of a page is made before its
// last is done with, since IDs and link indices are handed out in order.
func (t *pageTally) add(i int32) (page int, full bool) {
	page = int(i >> pageShift)
	for page >= len(*t) {
		*t = append(*t, 0)
	}
	(*t)[page]++
	return page, (*t)[page] == PageLen
}

// full reports whether page k is done with entirely.
func (t pageTally) full(k int) bool { return k < len(t) && t[k] == PageLen }

// Compact moves the records for which keep reports true to the front, in
// their order, calling moved with each one's new place and index, and lets
// go of the pages no longer needed. Records past the new end are zeroed, so
// that no stale copy keeps what it pointed to alive.
func (p *Pages[T]) Compact(keep func(*T) bool, moved func(*T, int32)) {
	n := int32(0)
	for i := range int32(p.n) {
		r := p.At(i)
		if !keep(r) {
			continue
		}
		to := p.At(n)
		if to != r {
			*to = *r
		}
		moved(to, n)
		n++
	}
	var zero T
	for i := n; i < int32(p.n); i++ {
		*p.At(i) = zero
	}
	p.n = int(n)
	used := (p.n + PageLen - 1) >> pageShift
	clear(p.pages[used:])
	p.pages = p.pages[:used]
}
