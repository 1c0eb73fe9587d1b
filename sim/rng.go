package sim

import "math/bits"

// Stream is a deterministic random stream (SplitMix64). It is plain data, so
// an agent's stream is checkpointed with the rest of its state, and each agent
// owns one, so draws never depend on goroutine timing.
type Stream struct {
	State uint64
}

const golden = 0x9e3779b97f4a7c15

// mix is the SplitMix64 finaliser; it spreads nearby inputs over the whole
// 64-bit range, which is what lets IDs 1, 2, 3 give unrelated streams.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Hash combines values into one well-mixed 64-bit key. It is used for draws
// that must be keyed by what they are about (seed, tick, sender, sequence)
// rather than by the order in which they are made.
func Hash(vals ...uint64) uint64 {
	h := uint64(0x6a09e667f3bcc908)
	for _, v := range vals {
		h = mix(h ^ (v + golden))
	}
	return h
}

// NewStream returns the stream for agent id under seed.
func NewStream(seed uint64, id int64) Stream {
	return Stream{State: Hash(seed, uint64(id), 0x5eed)}
}

// Uint64 returns the next 64 random bits.
func (s *Stream) Uint64() uint64 {
	s.State += golden
	return mix(s.State)
}

// Float64 returns a uniform number in [0, 1).
func (s *Stream) Float64() float64 {
	return float64(float64(s.Uint64()>>11) * (1.0 / (1 << 53)))
}

// Intn returns a uniform integer in [0, n); n must be positive.
func (s *Stream) Intn(n int) int {
	hi, _ := bits.Mul64(s.Uint64(), uint64(n))
	return int(hi)
}

// Bernoulli reports true with probability p.
func (s *Stream) Bernoulli(p float64) bool {
	return s.Float64() < p
}

// UnitFloat maps a hash to a uniform number in [0, 1).
func UnitFloat(h uint64) float64 {
	return float64(h>>11) * (1.0 / (1 << 53))
}
