package sweep

import "github.com/ecosim/ecosim/sim"

// haltonColumns returns n points of the dims-dimensional Halton sequence
// with every digit scrambled, as cols[j][i], point i's place along
// dimension j, in [0, 1). Dimension j counts in the (j+1)-th prime b (2,
// 3, 5, …): point i's place is i's base-b digits, least significant first,
// read as a fraction after the point, 0.a₀a₁a₂… in base b, each digit
// position d sending a digit a through a permutation π_d of 0…b−1 drawn
// from the seed for that dimension and position (random-permutation
// scrambling). The sequence puts the first b^m points one in each slice of
// width b^−m, and any two dimensions' first b^m·c^l points one in each box
// of b^−m by c^−l; scrambling keeps that and breaks the lines that
// unscrambled Halton points of neighbouring large primes fall on, and it
// makes every point uniform on its own, as a randomised design needs. A
// place is V/b^D with V the scrambled digits as a whole number below
// b^D ≤ 2^53, so one division, exactly rounded, gives it: the same bits on
// every processor.
func haltonColumns(n, dims int, seed uint64) [][]float64 {
	cols := make([][]float64, dims)
	if n <= 0 {
		return cols
	}
	for j, b := range primes(dims) {
		r := sim.Stream{State: sim.Hash(seed, 0x4a17, uint64(j))}
		// D digits, b^D ≤ 2^53, so that V and b^D are exact doubles.
		digits, scale := 0, uint64(1)
		for scale <= (1<<53)/uint64(b) {
			scale *= uint64(b)
			digits++
		}
		perms := make([]digitPerm, digits)
		reach := 1 // b^d: every index below n has digit d of at most (n−1)/reach
		for d := range perms {
			perms[d] = newDigitPerm(b, min((n-1)/reach+1, b), &r)
			if reach <= (n-1)/b {
				reach *= b
			} else {
				reach = n // the digits past here are 0 for every index
			}
		}
		col := make([]float64, n)
		for i := range col {
			k, v := i, uint64(0)
			for d := range perms {
				v = v*uint64(b) + uint64(perms[d].at(k%b))
				k /= b
			}
			col[i] = float64(v) / float64(scale)
		}
		cols[j] = col
	}
	return cols
}

// digitPerm is a permutation of 0…b−1 drawn at random, of which only the
// images of 0…need−1 are kept: a position past the first few digits of the
// indices used sees only the digit 0, and a base above the number of points
// sees only its first n digits, so drawing the whole permutation there
// would cost b numbers for each of them.
type digitPerm struct {
	img []int32 // images of 0…need−1
}

// newDigitPerm draws a permutation of 0…b−1 from r and keeps the images of
// 0…need−1: the first need steps of Fisher–Yates, the entries it moved kept
// in a map where b is much larger than need.
func newDigitPerm(b, need int, r *sim.Stream) digitPerm {
	img := make([]int32, need)
	if b <= 4*need {
		full := shuffled(b, r)
		for a := range img {
			img[a] = int32(full[a])
		}
		return digitPerm{img}
	}
	moved := map[int]int{}
	val := func(i int) int {
		if v, ok := moved[i]; ok {
			return v
		}
		return i
	}
	for a := range img {
		m := a + r.Intn(b-a)
		img[a], moved[m] = int32(val(m)), val(a)
	}
	return digitPerm{img}
}

// at is digit a's image.
func (p digitPerm) at(a int) int32 { return p.img[a] }

// primes returns the first n primes.
func primes(n int) []int {
	ps := make([]int, 0, n)
	for c := 2; len(ps) < n; c++ {
		prime := true
		for _, p := range ps {
			if p*p > c {
				break
			}
			if c%p == 0 {
				prime = false
				break
			}
		}
		if prime {
			ps = append(ps, c)
		}
	}
	return ps
}
