package main

import (
	"os"
	"regexp"
)

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }
