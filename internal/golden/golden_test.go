package golden

import (
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		want, got string
		lines     []string
	}{
		{"a\nb\n", "a\nb\n", nil},
		{"a\nb\n", "a\nc\n", []string{"line 2", "want: b", "got:  c"}},
		{"a\n", "a\nextra\n", []string{"line 2", "got:  extra"}},
	}
	for _, tt := range tests {
		d := Diff(tt.want, tt.got)
		if tt.lines == nil && d != "" {
			t.Errorf("Diff(%q, %q) = %q, want none", tt.want, tt.got, d)
		}
		for _, l := range tt.lines {
			if !strings.Contains(d, l) {
				t.Errorf("Diff(%q, %q) = %q, want it to contain %q", tt.want, tt.got, d, l)
			}
		}
	}
}
