package nat

import "time"

// The JSON forms of show ip nat translations and show ip nat statistics
// (`| json`), built from the rows and the snapshot their text is printed
// from. The schemas are documented in the top README's "JSON output"
// section; field names only grow.

// TranslationsJSON is show ip nat translations [icmp|tcp|udp] [verbose] | json.
type TranslationsJSON struct {
	Translations []TranslationJSON `json:"translations"`
}

// TranslationJSON is one entry. Addresses are "" and ports 0 where the
// text prints "---"; ports are 0 in an address-only entry.
type TranslationJSON struct {
	Protocol          string `json:"protocol"` // tcp, udp, icmp, "" for an address-only entry
	InsideGlobal      string `json:"inside_global"`
	InsideGlobalPort  uint16 `json:"inside_global_port"`
	InsideLocal       string `json:"inside_local"`
	InsideLocalPort   uint16 `json:"inside_local_port"`
	OutsideLocal      string `json:"outside_local"`
	OutsideLocalPort  uint16 `json:"outside_local_port"`
	OutsideGlobal     string `json:"outside_global"`
	OutsideGlobalPort uint16 `json:"outside_global_port"`
	// Type is extended (a flow), dynamic (an address binding), static or
	// outside-static.
	Type string `json:"type"`
	// Verbose is present with the verbose keyword, except on outside
	// statics (the text prints nothing under them).
	Verbose *TranslationVerboseJSON `json:"verbose,omitempty"`
}

// TranslationVerboseJSON is what verbose adds.
type TranslationVerboseJSON struct {
	CreateSeconds int64 `json:"create_seconds"`
	UseSeconds    int64 `json:"use_seconds"`
	// TimeoutMs is the idle timeout in milliseconds and LeftSeconds what
	// is left of it; statics have none (0 and -1), a timeout of never is
	// 0 and -1 too.
	TimeoutMs   int64  `json:"timeout_ms"`
	LeftSeconds int64  `json:"left_seconds"`
	MapID       int    `json:"map_id"`
	Flags       string `json:"flags"`
	UseCount    int    `json:"use_count"`
	EntryID     uint64 `json:"entry_id"`
}

func seconds(d time.Duration) int64 { return int64(max(d, 0) / time.Second) }

func translationsJSON(rows []transRow, verbose bool) TranslationsJSON {
	out := TranslationsJSON{Translations: make([]TranslationJSON, 0, len(rows))}
	for i := range rows {
		r := &rows[i]
		j := TranslationJSON{Protocol: r.proto, Type: r.kind}
		if j.Protocol == "---" {
			j.Protocol = ""
		}
		addrs := [4]*string{&j.InsideGlobal, &j.InsideLocal, &j.OutsideLocal, &j.OutsideGlobal}
		ports := [4]*uint16{&j.InsideGlobalPort, &j.InsideLocalPort, &j.OutsideLocalPort, &j.OutsideGlobalPort}
		for k, e := range r.eps {
			if e.IsValid() {
				*addrs[k] = e.Addr().String()
				if r.ports {
					*ports[k] = e.Port()
				}
			}
		}
		if verbose && r.kind != "outside-static" {
			v := &TranslationVerboseJSON{CreateSeconds: seconds(r.created), UseSeconds: seconds(r.used), LeftSeconds: -1,
				MapID: r.mapID, Flags: r.flags, UseCount: r.useCount, EntryID: r.entryID}
			if r.hasTimeout {
				v.TimeoutMs = timeoutMillis(r.timeout)
				if r.timeout >= 0 {
					v.LeftSeconds = seconds(r.timeout - r.idle)
				}
			}
			j.Verbose = v
		}
		out.Translations = append(out.Translations, j)
	}
	return out
}

// StatisticsJSON is show ip nat statistics | json.
type StatisticsJSON struct {
	ActiveTranslations int           `json:"active_translations"`
	Static             int           `json:"static"`
	Dynamic            int           `json:"dynamic"`
	Extended           int           `json:"extended"`
	PeakTranslations   int           `json:"peak_translations"`
	PeakAgeSeconds     int64         `json:"peak_age_seconds"` // -1 before any peak
	OutsideInterfaces  []string      `json:"outside_interfaces"`
	InsideInterfaces   []string      `json:"inside_interfaces"`
	Hits               uint64        `json:"hits"`
	Misses             uint64        `json:"misses"`
	ExpiredTranslation uint64        `json:"expired_translations"`
	Mappings           []MappingJSON `json:"mappings"`
	Limits             []LimitJSON   `json:"limits"`
	InToOutDrops       uint64        `json:"in_to_out_drops"`
	OutToInDrops       uint64        `json:"out_to_in_drops"`
	Evicted            uint64        `json:"evicted"`
	// DropsByCause names each cause as the text does ("no translation",
	// "pool exhausted", ...).
	DropsByCause []DropCauseJSON `json:"drops_by_cause"`
	ApplDoors    int             `json:"appl_doors"`
}

// MappingJSON is one dynamic mapping (ip nat inside source list ...).
type MappingJSON struct {
	ID         int       `json:"id"`
	AccessList string    `json:"access_list"`
	Pool       string    `json:"pool"`      // "" for an interface mapping
	Interface  string    `json:"interface"` // "" for a pool mapping
	Overload   bool      `json:"overload"`
	Refcount   int       `json:"refcount"`
	PoolStats  *PoolJSON `json:"pool_stats,omitempty"` // the pool, when it exists
}

// PoolJSON is a pool's line under its mapping.
type PoolJSON struct {
	Netmask        string `json:"netmask"`
	Start          string `json:"start"`
	End            string `json:"end"`
	TotalAddresses int    `json:"total_addresses"`
	Allocated      int    `json:"allocated"`
	Misses         uint64 `json:"misses"`
}

// LimitJSON is one nat-limit line; max 0 is no limit.
type LimitJSON struct {
	Name   string `json:"name"`
	Max    int    `json:"max"`
	Used   int    `json:"used"`
	Missed uint64 `json:"missed"`
}

// DropCauseJSON is one drop cause.
type DropCauseJSON struct {
	Cause string `json:"cause"`
	Count uint64 `json:"count"`
}

func statisticsJSON(v *statsView) StatisticsJSON {
	st := &v.st
	j := StatisticsJSON{
		ActiveTranslations: st.Active, Static: st.Static, Dynamic: st.Dynamic, Extended: st.Extended,
		PeakTranslations: st.Peak, PeakAgeSeconds: -1,
		OutsideInterfaces: append([]string{}, v.outside...), InsideInterfaces: append([]string{}, v.inside...),
		Hits: st.Hits, Misses: st.Misses, ExpiredTranslation: st.Expired,
		Mappings: []MappingJSON{}, Limits: []LimitJSON{}, DropsByCause: []DropCauseJSON{},
		InToOutDrops: st.Drops.InToOut, OutToInDrops: st.Drops.OutToIn, Evicted: st.Drops.Evicted,
		ApplDoors: v.doors,
	}
	if st.Peak > 0 {
		j.PeakAgeSeconds = seconds(v.now.Sub(st.PeakAt))
	}
	for _, m := range st.Mappings {
		mj := MappingJSON{ID: m.ID, AccessList: m.List, Pool: m.Mapping.Pool, Interface: m.Interface, Overload: m.Overload, Refcount: m.Refcount}
		if p := m.Pool; p != nil && m.Interface == "" {
			mj.PoolStats = &PoolJSON{Netmask: maskAddr(p.PrefixLen).String(), Start: p.Start.String(), End: p.End.String(),
				TotalAddresses: p.Total, Allocated: p.Allocated, Misses: p.Misses}
		}
		j.Mappings = append(j.Mappings, mj)
	}
	for _, l := range st.Limits {
		j.Limits = append(j.Limits, LimitJSON(l))
	}
	for i, name := range dropNames {
		j.DropsByCause = append(j.DropsByCause, DropCauseJSON{name, st.Drops.ByCause[i]})
	}
	return j
}
