package ios

import (
	"bytes"
	"encoding/json"
)

// `show ... | json` is this router's own output modifier (NX-OS has one;
// IOS has none). A command opts in by handing its data to SetJSON from the
// same handler that prints its text, so both forms come from one snapshot of
// the state. The engine knows nothing of the data: it prints it as one
// indented JSON document, or a refusal for a command that has no JSON form.

// msgNoJSON is printed for `| json` after a command that has no JSON form.
const msgNoJSON = "% JSON output is not supported for this command"

// WantsJSON reports whether the line ended in `| json`: the handler should
// call SetJSON, and may skip its text (which is not printed).
func (c *Context) WantsJSON() bool { return c.json }

// SetJSON gives the command's output as data for `| json`: a value that
// encoding/json marshals (a struct with snake_case json tags, lists never
// nil). Without `| json` it does nothing, so handlers may call it always.
func (c *Context) SetJSON(v any) {
	if c.json {
		c.jsonVal, c.jsonSet = v, true
	}
}

// jsonOutput renders what the handler gave to SetJSON, or the refusal.
func (c *Context) jsonOutput() (string, bool) {
	if !c.jsonSet {
		return msgNoJSON + "\n", false
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // descriptions and log lines keep their < > &
	enc.SetIndent("", "  ")
	if err := enc.Encode(c.jsonVal); err != nil {
		return "% Internal error: " + err.Error() + "\n", false
	}
	return b.String(), true
}
