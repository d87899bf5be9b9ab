package labs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// retryInterval is the pause between attempts of a task that has not passed yet.
const retryInterval = time.Second

// Result is the outcome of one task.
type Result struct {
	Task    string `json:"task"`
	Passed  bool   `json:"passed"`
	Points  int    `json:"points"` // earned
	Max     int    `json:"max"`
	Message string `json:"message"`          // the task's pass or fail text for the student
	Detail  string `json:"detail,omitempty"` // what the failing check saw
}

// Report is the outcome of `labs check`.
type Report struct {
	Lab     string   `json:"lab"`
	Results []Result `json:"results"`
	Score   int      `json:"score"`
	Max     int      `json:"max"`
	Percent float64  `json:"percent"`
}

// ErrNoTasks is returned when a lab (or the selection) has no tasks.
var ErrNoTasks = errors.New("no tasks")

// Check grades the lab's tasks in order (only the named ones when names is not empty): every check of
// a task must pass; a task with wait is retried until it passes or the wait is over. progress, if not
// nil, gets one line per task as it finishes.
func (l *Lab) Check(names []string, progress func(Result)) (Report, error) {
	tasks, err := selectTasks(l.Topo.Tasks, names)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Lab: l.Lab}
	for _, t := range tasks {
		r := l.runTask(t)
		rep.Results = append(rep.Results, r)
		rep.Score += r.Points
		rep.Max += r.Max
		if progress != nil {
			progress(r)
		}
	}
	if rep.Max > 0 {
		rep.Percent = float64(rep.Score) * 100 / float64(rep.Max)
	} else if allPassed(rep.Results) {
		rep.Percent = 100
	}
	return rep, nil
}

func allPassed(rs []Result) bool {
	for _, r := range rs {
		if !r.Passed {
			return false
		}
	}
	return true
}

// Passed reports whether every task passed.
func (r Report) Passed() bool { return allPassed(r.Results) }

func selectTasks(all []*Task, names []string) ([]*Task, error) {
	if len(all) == 0 {
		return nil, ErrNoTasks
	}
	if len(names) == 0 {
		return all, nil
	}
	var out []*Task
	for _, name := range names {
		found := false
		for _, t := range all {
			if t.Name == name {
				out = append(out, t)
				found = true
			}
		}
		if !found {
			var have []string
			for _, t := range all {
				have = append(have, t.Name)
			}
			return nil, fmt.Errorf("no task %q (the lab has %s)", name, strings.Join(have, ", "))
		}
	}
	return out, nil
}

func (l *Lab) runTask(t *Task) Result {
	deadline := time.Now().Add(t.Wait)
	passed := make([]bool, len(t.Checks))
	var failed *Check
	var detail string
	for {
		failed = nil
		for i, c := range t.Checks {
			if passed[i] {
				continue
			}
			if d := l.runCheck(c); d != "" {
				failed, detail = c, d
				break // later checks often depend on earlier ones (connect, then transfer)
			}
			passed[i] = true
		}
		if failed == nil || time.Now().Add(retryInterval).After(deadline) {
			break
		}
		time.Sleep(retryInterval)
	}
	r := Result{Task: t.Name, Max: t.Points}
	if failed == nil {
		r.Passed, r.Points, r.Message = true, t.Points, t.Pass
		if r.Message == "" {
			r.Message = t.Description
		}
		return r
	}
	r.Message, r.Detail = t.Fail, detail
	if failed.Fail != "" {
		r.Message = failed.Fail
	}
	if r.Message == "" {
		r.Message = detail
	}
	return r
}

// runCheck runs one attempt of a check and returns "" when it passes, else what went wrong.
func (l *Lab) runCheck(c *Check) string {
	var out string
	var jsonOut bytes.Buffer
	if c.Exec != "" {
		n, err := l.host(c.Node)
		if err != nil {
			return err.Error()
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, "ip", "netns", "exec", n.Netns, "sh", "-c", c.Exec)
		b, err := cmd.CombinedOutput()
		out = string(b)
		rc := 0
		var ee *exec.ExitError
		switch {
		case ctx.Err() != nil:
			return fmt.Sprintf("%s: %q did not finish within %v", c.Node, c.Exec, c.Timeout)
		case errors.As(err, &ee):
			rc = ee.ExitCode()
		case err != nil:
			return fmt.Sprintf("%s: %q: %v", c.Node, c.Exec, err)
		}
		if rc != c.RC {
			return fmt.Sprintf("%s: %q exited with %d (want %d)%s", c.Node, c.Exec, rc, c.RC, quoteOutput(out))
		}
	} else {
		cl, err := l.Dial(c.Node)
		if err != nil {
			return err.Error()
		}
		cl.SetDeadline(time.Now().Add(c.Timeout))
		var b bytes.Buffer
		lines := strings.Split(strings.TrimRight(c.CLI, "\n"), "\n")
		for i, line := range lines {
			if i == len(lines)-1 && len(c.JSON) > 0 {
				// The conditions read the last line's document; match and
				// no-match see it too, after the other lines' output.
				line = jsonLine(line)
				jsonOut.Reset()
				if _, err := cl.Run(line, &jsonOut); err != nil {
					cl.Close()
					return fmt.Sprintf("%s: %q: %v", c.Node, line, err)
				}
				continue
			}
			if _, err := cl.Run(line, &b); err != nil {
				cl.Close()
				return fmt.Sprintf("%s: %q: %v", c.Node, line, err)
			}
		}
		cl.Close()
		out = b.String() + jsonOut.String()
	}
	what := c.Exec
	if what == "" {
		what = c.CLI
	}
	if c.Match != nil && !c.Match.MatchString(out) {
		return fmt.Sprintf("%s: the output of %q does not match %s%s", c.Node, what, strings.TrimPrefix(c.Match.String(), "(?m)"), quoteOutput(out))
	}
	if c.NoMatch != nil && c.NoMatch.MatchString(out) {
		return fmt.Sprintf("%s: the output of %q matches %s%s", c.Node, what, strings.TrimPrefix(c.NoMatch.String(), "(?m)"), quoteOutput(out))
	}
	if len(c.JSON) > 0 {
		return checkJSON(c, jsonOut.String())
	}
	return ""
}

// jsonLine is a CLI line with `| json` after it, unless it has it.
func jsonLine(line string) string {
	line = strings.TrimRight(line, " \t")
	if _, mod, ok := strings.Cut(line, "|"); ok && strings.TrimSpace(mod) == "json" {
		return line
	}
	return line + " | json"
}

// checkJSON evaluates a check's JSON conditions on the output of its last
// CLI line and returns "" when all hold, else the first that does not.
func checkJSON(c *Check, out string) string {
	lines := strings.Split(strings.TrimRight(c.CLI, "\n"), "\n")
	what := jsonLine(lines[len(lines)-1])
	doc, err := DecodeJSONOutput(out)
	if err != nil {
		return fmt.Sprintf("%s: %q: %v%s", c.Node, what, err, quoteOutput(out))
	}
	for _, jc := range c.JSON {
		if ok, why := jc.Eval(doc); !ok {
			return fmt.Sprintf("%s: %q: %s does not hold: %s", c.Node, what, jc.Text, why)
		}
	}
	return ""
}

func quoteOutput(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > 12 {
		lines = append(lines[:12], "...")
	}
	return "\n    | " + strings.Join(lines, "\n    | ")
}

// PrintResult writes one PASS/FAIL line (and with verbose, what a failing check saw).
func PrintResult(w io.Writer, r Result, verbose bool) {
	status := "PASS"
	if !r.Passed {
		status = "FAIL"
	}
	fmt.Fprintf(w, "[%s] %-20s %3d/%-3d %s\n", status, r.Task, r.Points, r.Max, r.Message)
	if verbose && !r.Passed && r.Detail != "" && r.Detail != r.Message {
		fmt.Fprintf(w, "       %s\n", strings.ReplaceAll(r.Detail, "\n", "\n       "))
	}
}

// PrintReport writes the total line.
func PrintReport(w io.Writer, rep Report) {
	fmt.Fprintf(w, "Score: %d/%d (%.0f%%)\n", rep.Score, rep.Max, rep.Percent)
}

// WriteJSON writes the report for a learning platform.
func (r Report) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}
