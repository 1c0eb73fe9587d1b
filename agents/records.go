package agents

// recPageShift sets how many records a page holds, 2^recPageShift: enough
// that the page table stays small (a million trees need about a thousand
// pages), few enough that a small world's last page wastes little.
const recPageShift = 10

// recPageLen is the number of records a page holds.
const recPageLen = 1 << recPageShift

// paged holds a kind's records in fixed pages that never move. A kind's
// records grow with its births; in one slice each growth copies them all
// and, until the copy is done, holds both (at a million trees, 180 MB more
// at the peak), and the slice keeps a quarter more room than it uses. Pages
// grow one at a time and are never copied.
type paged[T any] struct {
	pages []*[recPageLen]T
	n     int
}

// at returns record i; i must be below len.
func (p *paged[T]) at(i int32) *T {
	return &p.pages[i>>recPageShift][i&(recPageLen-1)]
}

// len is the number of records held, the dead included.
func (p *paged[T]) len() int { return p.n }

// push appends v and returns its index.
func (p *paged[T]) push(v T) int32 {
	if p.n == len(p.pages)<<recPageShift {
		p.pages = append(p.pages, new([recPageLen]T))
	}
	i := int32(p.n)
	p.n++
	*p.at(i) = v
	return i
}

// compact moves the records for which live reports true to the front, in
// their order, calling moved with each one's new index, and lets go of the
// pages no longer needed.
func (p *paged[T]) compact(live func(*T) bool, moved func(*T, int32)) {
	n := int32(0)
	for i := range int32(p.n) {
		r := p.at(i)
		if !live(r) {
			continue
		}
		if n != i {
			*p.at(n) = *r
		}
		moved(p.at(n), n)
		n++
	}
	var zero T
	for i := n; i < int32(p.n); i++ {
		*p.at(i) = zero
	}
	p.n = int(n)
	keep := (p.n + recPageLen - 1) >> recPageShift
	clear(p.pages[keep:])
	p.pages = p.pages[:keep]
}
