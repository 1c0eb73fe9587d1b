// Package portable has no code of its own. Its tests check that ecosim's
// results do not depend on the processor they are computed on: not on
// whether it has fused multiply-add (amd64 with and without), nor on its
// architecture (arm64, whose compiler fuses a multiplication into the
// addition that follows unless the product is converted to float64 first).
// A sweep spread over NATS workers on mixed machines, or a run repeated on
// another laptop, must give the same bits.
package portable
