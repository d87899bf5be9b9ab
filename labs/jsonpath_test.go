package labs

import (
	"strings"
	"testing"
)

// doc is a router's JSON as `| json` prints it: NAT translations, an
// interface list, and a counter too large for a float64.
const jsonDoc = `R1#
{
  "translations": [
    {"protocol": "icmp", "inside_global": "203.0.113.1", "inside_global_port": 1, "inside_local": "192.168.1.10", "type": "extended"},
    {"protocol": "tcp", "inside_global": "203.0.113.1", "inside_global_port": 1024, "inside_local": "192.168.1.11", "type": "extended",
     "verbose": {"flags": "extended", "use_count": 0}},
    {"protocol": "", "inside_global": "203.0.113.100", "inside_global_port": 0, "inside_local": "192.168.2.10", "type": "static"}
  ],
  "interfaces": [
    {"name": "GigabitEthernet0/0", "status": "up", "packets_input": 18446744073709551615, "description": "to the LAN"},
    {"name": "GigabitEthernet0/2", "status": "administratively down", "packets_input": 0, "description": ""},
    {"name": "Loopback0", "status": "up", "packets_input": 5, "description": "mgmt"}
  ],
  "messages": ["*Mar  1 00:00:05.123: %SYS-5-CONFIG_I: Configured from console by console"],
  "gateway_of_last_resort": "",
  "enabled": true,
  "empty": []
}
`

func TestJSONCondEval(t *testing.T) {
	doc, err := DecodeJSONOutput(jsonDoc)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		cond string
		want bool
	}{
		{"translations.# == 3", true},
		{"translations.# >= 4", false},
		{"translations.# > 2", true},
		{"empty.# == 0", true},
		{"interfaces.# < 4", true},
		{"translations[*].inside_local == 192.168.1.11", true},
		{"translations[*].inside_local == 192.168.1.99", false},
		{"translations[0].protocol == icmp", true},
		{"translations[-1].type == static", true},
		{"translations[7].type == static", false},
		{"translations[protocol=tcp].inside_global_port == 1024", true},
		{"translations[protocol=tcp].inside_global_port > 1023", true},
		{"translations[protocol=tcp].inside_global_port < 1024", false},
		{"translations[protocol=udp].inside_global_port >= 0", false}, // nothing selected
		{"translations[type=static].inside_global == 203.0.113.100", true},
		{"translations[inside_global_port=1024].verbose.flags == extended", true},
		{"translations[inside_global_port=1024.0].verbose.use_count == 0", true},
		{"translations[protocol=tcp].verbose.use_count != 0", false},
		{"translations[*].protocol != icmp", true}, // any element
		{"interfaces[name=Gi0/2].status == administratively down", true},
		{"interfaces[name=gi 0/2].status == 'administratively down'", true},
		{"interfaces[name=GigabitEthernet0/0].status == up", true},
		{"interfaces[name=Lo0].description == mgmt", true},
		{"interfaces[name=Gi0/1].status == up", false},
		{"interfaces[status=up].name == Gi0/0", true},
		{"interfaces[0].packets_input == 18446744073709551615", true},
		{"interfaces[0].packets_input > 18446744073709551614", true},
		{"interfaces[1].description == \"\"", true},
		{"interfaces[*].description contains LAN", true},
		{"interfaces[*].description matches ^to the", true},
		{"interfaces[*].description matches ^the", false},
		{"interfaces[*].name matches ^Loop", true},
		{"messages contains *Mar  1 00:00:05.123: %SYS-5-CONFIG_I: Configured from console by console", true},
		{"messages[*] contains CONFIG_I", true},
		{"messages[*] contains CONFIG_X", false},
		{"gateway_of_last_resort == ''", true},
		{"enabled == true", true},
		{"enabled != false", true},
		{"missing == 1", false},
		{"translations.inside_local == 192.168.1.10", false}, // a list has no field: use [*]
		{"interfaces[*].status < 3", false},                  // not numbers
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			c, err := ParseJSONCond(tt.cond)
			if err != nil {
				t.Fatal(err)
			}
			got, why := c.Eval(doc)
			if got != tt.want {
				t.Errorf("Eval = %v (%s), want %v", got, why, tt.want)
			}
			if !got && why == "" {
				t.Error("a failing condition says nothing")
			}
		})
	}
}

func TestJSONCondErrors(t *testing.T) {
	tests := []struct{ cond, want string }{
		{"", "missing PATH"},
		{"translations.#", "want PATH OP VALUE"},
		{"translations.# = 1", "want PATH OP VALUE"},
		{"translations.# >= many", "wants a number"},
		{"#.x == 1", "must be the last step"},
		{"# == 1", "must be the last step"},
		{"a.#.b == 1", "must be the last step"},
		{"a[ == 1", "missing ]"},
		{"a[x == 1", "missing ]"},
		{"a[1]x == 1", "unexpected"},
		{"a[one] == 1", "bad selector"},
		{"a[k.j=1] == 1", "bad selector"},
		{"a..b == 1", "empty step"},
		{"a$b == 1", "bad field name"},
		{"a matches (", "bad regular expression"},
		{strings.Repeat("a.", 70) + "a == 1", "more than 64 steps"},
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			_, err := ParseJSONCond(tt.cond)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestDecodeJSONOutput(t *testing.T) {
	for _, tt := range []struct{ out, want string }{
		{"% JSON output is not supported for this command\n", "no JSON document"},
		{"{\"a\": [1, \n", "not a JSON document"},
	} {
		if _, err := DecodeJSONOutput(tt.out); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.out, err, tt.want)
		}
	}
}

func TestJSONInterfaceSpellings(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Gi0/1", "GigabitEthernet0/1"},
		{"gi 0/1", "GigabitEthernet0/1"},
		{"GigabitEthernet0/1.20", "GigabitEthernet0/1.20"},
		{"lo0", "Loopback0"},
		{"Fa0/0", "FastEthernet0/0"},
		{"e0", ""}, // one letter: not taken as an interface
		{"up", ""},
		{"10.0.0.1", ""},
	} {
		got, ok := jsonInterface(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%q: %q %v, want %q", tt.in, got, ok, tt.want)
		}
	}
}

// FuzzParseJSONCond: no condition text panics the parser or, parsed, the
// evaluator.
func FuzzParseJSONCond(f *testing.F) {
	for _, s := range []string{"translations[*].inside_global == 1.2.3.4", "a.# >= 2", "x[k=v][0][*].y matches ^a", "a[-1] contains 'b c'", "[*] == 1", "a[]] == 1"} {
		f.Add(s)
	}
	doc, err := DecodeJSONOutput(jsonDoc)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseJSONCond(s)
		if err != nil {
			return
		}
		c.Eval(doc)
		c.Eval(nil)
		c.Eval([]any{doc, "x", nil})
	})
}
