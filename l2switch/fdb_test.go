package l2switch

import (
	"math/rand/v2"
	"testing"
)

// The table against a map: random learns, flushes and sweeps over few
// slots, so probe chains collide, wrap around the end and get shifted by
// deletions. Every live entry must stay reachable.
func TestFDBModel(t *testing.T) {
	const aging = 3 * refreshEvery
	for seed := uint64(0); seed < 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 1))
		tb := newFDB(16, aging)
		type ent struct {
			port int
			seen int64
		}
		model := map[fdbKey]ent{}
		now := int64(1000)
		lastSweep := -sweepEvery
		check := func(op string) {
			t.Helper()
			if tb.size() != len(model) {
				t.Fatalf("seed %d after %s: size %d, model %d", seed, op, tb.size(), len(model))
			}
			for k, e := range model {
				p, ok := tb.lookup(k, now)
				if fresh := now-e.seen <= aging; ok != fresh || fresh && p != e.port {
					t.Fatalf("seed %d after %s: lookup %x = %d %v, model %+v (now %d)", seed, op, uint64(k), p, ok, e, now)
				}
			}
		}
		for step := 0; step < 2000; step++ {
			now += int64(rng.IntN(3)) * refreshEvery / 4
			switch op := rng.IntN(10); {
			case op < 7:
				k := keyOf(uint16(1+rng.IntN(3)), []byte{0, 0, 0, 0, 0, byte(rng.IntN(24))})
				p := rng.IntN(4)
				tb.learn(k, p, now)
				e, had := model[k]
				switch {
				case had && e.port == p:
					if now-e.seen >= refreshEvery {
						model[k] = ent{p, now}
					}
				case had:
					model[k] = ent{p, now}
				default:
					if len(model) >= 16 && now-lastSweep >= sweepEvery {
						lastSweep = now
						for mk, me := range model {
							if now-me.seen > aging {
								delete(model, mk)
							}
						}
					}
					if len(model) < 16 {
						model[k] = ent{p, now}
					}
				}
				check("learn")
			case op < 8:
				p := rng.IntN(4)
				tb.flushPort(p)
				for k, e := range model {
					if e.port == p {
						delete(model, k)
					}
				}
				check("flush")
			default:
				now += aging / 2
				tb.sweep(now)
				for k, e := range model {
					if now-e.seen > aging {
						delete(model, k)
					}
				}
				check("sweep")
			}
		}
	}
}

func TestKeyRoundTrip(t *testing.T) {
	m := []byte{0xde, 0xad, 0xbe, 0xef, 0x01, 0x02}
	k := keyOf(4094, m)
	if k.vlan() != 4094 || k.mac() != [6]byte(m) {
		t.Errorf("key %x: VLAN %d MAC %x", uint64(k), k.vlan(), k.mac())
	}
}
