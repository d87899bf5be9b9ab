package system

import (
	"crypto/md5"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
)

// cryptAlphabet is the base-64 alphabet of crypt(3) hashes and salts.
const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// md5Crypt is the FreeBSD MD5-crypt of password with salt ("$1$salt$hash"),
// the algorithm of IOS type 5 secrets. The salt is cut to 8 characters.
func md5Crypt(password, salt string) string {
	const magic = "$1$"
	if len(salt) > 8 {
		salt = salt[:8]
	}
	pw := []byte(password)
	alt := md5.Sum([]byte(password + salt + password))
	h := md5.New()
	h.Write(pw)
	h.Write([]byte(magic + salt))
	for n := len(pw); n > 0; n -= 16 {
		h.Write(alt[:min(n, 16)])
	}
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write([]byte{0})
		} else {
			h.Write(pw[:1])
		}
	}
	final := h.Sum(nil)
	// 1000 rounds, only to make guessing slower.
	for i := 0; i < 1000; i++ {
		r := md5.New()
		if i&1 != 0 {
			r.Write(pw)
		} else {
			r.Write(final)
		}
		if i%3 != 0 {
			r.Write([]byte(salt))
		}
		if i%7 != 0 {
			r.Write(pw)
		}
		if i&1 != 0 {
			r.Write(final)
		} else {
			r.Write(pw)
		}
		final = r.Sum(nil)
	}
	var b strings.Builder
	b.WriteString(magic + salt + "$")
	put := func(v uint32, n int) {
		for ; n > 0; n-- {
			b.WriteByte(cryptAlphabet[v&0x3f])
			v >>= 6
		}
	}
	for _, g := range [][3]int{{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}} {
		put(uint32(final[g[0]])<<16|uint32(final[g[1]])<<8|uint32(final[g[2]]), 4)
	}
	put(uint32(final[11]), 2)
	return b.String()
}

// validMD5Crypt checks the shape of a type 5 secret: "$1$", a salt of 1 to 8
// characters, "$" and 22 hash characters.
func validMD5Crypt(s string) bool {
	rest, ok := strings.CutPrefix(s, "$1$")
	if !ok {
		return false
	}
	salt, hash, ok := strings.Cut(rest, "$")
	if !ok || len(salt) < 1 || len(salt) > 8 || len(hash) != 22 {
		return false
	}
	return inAlphabet(salt) && inAlphabet(hash)
}

func inAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(cryptAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// md5CryptMatches reports whether password hashes to the type 5 secret.
func md5CryptMatches(hash, password string) bool {
	if !validMD5Crypt(hash) {
		return false
	}
	salt, _, _ := strings.Cut(hash[3:], "$")
	return md5Crypt(password, salt) == hash
}

// randomSalt makes the 4-character salt IOS uses for type 5 secrets.
func randomSalt() string {
	var b [4]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = cryptAlphabet[b[i]&0x3f]
	}
	return string(b[:])
}

// type7Key is the public key of the Cisco type 7 password encoding.
const type7Key = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"

// type7Seed is where encoding starts in the key. IOS picks it at random
// (0-15); a fixed one keeps the running-config stable, and 8 gives the
// familiar "cisco" -> 0822455D0A16.
const type7Seed = 8

// type7Encode hides a password as IOS type 7: two decimal digits of seed,
// then each byte XORed with the key, in upper-case hex.
func type7Encode(clear string, seed int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%02d", seed)
	for i := 0; i < len(clear); i++ {
		fmt.Fprintf(&b, "%02X", clear[i]^type7Key[(seed+i)%len(type7Key)])
	}
	return b.String()
}

// type7Decode reverses type7Encode; it rejects text that is not a type 7
// string (odd length, a seed above 15, non-hex digits).
func type7Decode(enc string) (string, bool) {
	if len(enc) < 2 || len(enc)%2 != 0 {
		return "", false
	}
	seed, err := strconv.Atoi(enc[:2])
	if err != nil || seed > 15 || enc[0] < '0' || enc[0] > '9' || enc[1] < '0' || enc[1] > '9' {
		return "", false
	}
	out := make([]byte, 0, len(enc)/2-1)
	for i := 2; i < len(enc); i += 2 {
		v, err := strconv.ParseUint(enc[i:i+2], 16, 8)
		if err != nil {
			return "", false
		}
		out = append(out, byte(v)^type7Key[(seed+len(out))%len(type7Key)])
	}
	return string(out), true
}

// password is a password IOS can show again: clear text, and the type 7
// text once it has been encrypted (typed as "password 7 ..." or seen by
// service password-encryption, which IOS never undoes).
type password struct {
	set   bool
	clear string
	enc   string
}

// newPassword makes a password from its typed form: type 7 text is kept as
// written, clear text is encrypted at once when encrypt is on.
func newPassword(typ7 bool, text string, encrypt bool) (password, bool) {
	if typ7 {
		clear, ok := type7Decode(text)
		if !ok {
			return password{}, false
		}
		return password{set: true, clear: clear, enc: text}, true
	}
	p := password{set: true, clear: text}
	if encrypt {
		p.enc = type7Encode(text, type7Seed)
	}
	return p, true
}

// encrypt applies service password-encryption.
func (p *password) encrypt() {
	if p.set && p.enc == "" {
		p.enc = type7Encode(p.clear, type7Seed)
	}
}

// render is the password as the running-config shows it after the
// keyword: "7 0822455D0A16", or the clear text with zero ("0 cisco") or
// bare ("cisco") as the command renders it. Clear text whose first word is
// itself a type ("0", "7 x") always gets its zero: bare, it would load back
// as that type and lose the password.
func (p password) render(zero bool) string {
	switch {
	case p.enc != "":
		return "7 " + p.enc
	case zero || startsWithType(p.clear):
		return "0 " + p.clear
	}
	return p.clear
}

// startsWithType reports whether text begins with a word the password
// commands read as an encryption type.
func startsWithType(text string) bool {
	first, _, _ := strings.Cut(strings.TrimLeft(text, " \t"), " ")
	first, _, _ = strings.Cut(first, "\t")
	return first == "0" || first == "7"
}

// secret is an enable or user secret: its type and hash as rendered.
type secret struct {
	set  bool
	typ  int // 5 (MD5-crypt), 8 (PBKDF2-SHA256) or 9 (scrypt)
	hash string
}

// matches reports whether a typed password opens the secret.
func (s secret) matches(pw string) bool {
	switch {
	case !s.set:
		return false
	case s.typ == 5:
		return md5CryptMatches(s.hash, pw)
	}
	return type89Matches(s.hash, pw)
}
