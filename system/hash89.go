package system

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
)

// Cisco's type 8 (PBKDF2-HMAC-SHA256, 20000 rounds) and type 9 (scrypt,
// N=16384, r=1, p=1) secrets: "$8$" or "$9$", a 14-character salt used as
// typed, "$", and the 32-byte digest in base 64 over the crypt alphabet
// (standard bit order, no padding: 43 characters).
const (
	type89SaltLen   = 14
	type89DigestLen = 43
	type8Rounds     = 20000
	type9N          = 16384
)

// ciscoBase64 is the encoding of type 4, 8 and 9 digests.
var ciscoBase64 = base64.NewEncoding(cryptAlphabet).WithPadding(base64.NoPadding)

// parseType89 splits a type 8 or 9 secret into its type, salt and digest;
// ok is false for anything else.
func parseType89(s string) (typ int, salt, digest string, ok bool) {
	switch {
	case strings.HasPrefix(s, "$8$"):
		typ = 8
	case strings.HasPrefix(s, "$9$"):
		typ = 9
	default:
		return 0, "", "", false
	}
	salt, digest, found := strings.Cut(s[3:], "$")
	if !found || len(salt) != type89SaltLen || len(digest) != type89DigestLen || !inAlphabet(salt) || !inAlphabet(digest) {
		return 0, "", "", false
	}
	return typ, salt, digest, true
}

// type89Digest is the digest part of a type 8 or 9 secret.
func type89Digest(typ int, password, salt string) string {
	var sum []byte
	if typ == 8 {
		sum, _ = pbkdf2.Key(sha256.New, password, []byte(salt), type8Rounds, 32)
	} else {
		sum = scrypt([]byte(password), []byte(salt), type9N, 1, 1, 32)
	}
	return ciscoBase64.EncodeToString(sum)
}

// makeType89 hashes a clear password as IOS does for `algorithm-type
// sha256` (8) or `algorithm-type scrypt` (9), with the given salt.
func makeType89(typ int, password, salt string) string {
	return "$" + string(rune('0'+typ)) + "$" + salt + "$" + type89Digest(typ, password, salt)
}

// type89Matches reports whether password opens the type 8 or 9 secret.
func type89Matches(hash, password string) bool {
	typ, salt, digest, ok := parseType89(hash)
	if !ok {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(type89Digest(typ, password, salt)), []byte(digest)) == 1
}

// randomSalt89 is a salt of 14 characters of the crypt alphabet, as IOS
// makes for type 8 and 9 secrets.
func randomSalt89() string {
	var b [type89SaltLen]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = cryptAlphabet[b[i]&0x3f]
	}
	return string(b[:])
}
