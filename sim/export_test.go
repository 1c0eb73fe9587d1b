package sim

// SplitDeliveryFrom makes e split its delivery from n messages in flight,
// so that a test can take the split path in a small world.
func SplitDeliveryFrom(e *Engine, n int) { e.splitMin = n }

// SplitDeliveryAloneFrom does the same for e when it runs without helpers.
func SplitDeliveryAloneFrom(e *Engine, n int) { e.splitAloneMin = n }

// SplitDeliveries is how many of e's ticks delivered split.
func SplitDeliveries(e *Engine) int { return e.splits }

// WarmApplyFrom makes e read each block of the local apply ahead from n
// live agents, so that a test can take that path in a small world.
func WarmApplyFrom(e *Engine, n int) { e.warmMin = n }

// WarmedApplies is how many of e's ticks read their apply blocks ahead.
func WarmedApplies(e *Engine) int { return e.warmed }

// ChooseCoresFrom makes e adaptive with windows of ticks ticks and its
// first trial after one window, so that a short test run changes how its
// ticks run more than once.
func ChooseCoresFrom(e *Engine, ticks int) {
	e.cfg.Adaptive = true
	c := newCoreChooser(e.poolWorkers())
	c.started, c.ticks, c.left = true, ticks, ticks
	c.gap, c.wait = [ways]int{1, 1, 1}, [ways]int{1, 1, 1}
	e.cores = c
}
