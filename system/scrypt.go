package system

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
)

// scrypt is RFC 7914's key derivation, written here because the standard
// library has PBKDF2 but not scrypt. N must be a power of two above 1; the
// caller bounds N*r (IOS type 9 uses N=16384, r=1, p=1: 2 MiB of state).
func scrypt(password, salt []byte, n, r, p, keyLen int) []byte {
	b, _ := pbkdf2.Key(sha256.New, string(password), salt, 1, p*128*r)
	xy := make([]uint32, 64*r)
	v := make([]uint32, 32*n*r)
	for i := 0; i < p; i++ {
		roMix(b[i*128*r:(i+1)*128*r], r, n, v, xy)
	}
	k, _ := pbkdf2.Key(sha256.New, string(password), b, 1, keyLen)
	return k
}

// roMix is scryptROMix (RFC 7914 section 5) over one 128*r byte block.
func roMix(b []byte, r, n int, v, xy []uint32) {
	var t [16]uint32
	size := 32 * r
	x, y := xy[:size], xy[size:]
	for i := range x {
		x[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	for i := 0; i < n; i++ {
		copy(v[i*size:], x)
		blockMix(&t, x, y, r)
		x, y = y, x
	}
	for i := 0; i < n; i++ {
		j := int(x[(2*r-1)*16]) & (n - 1) // Integerify: the low word of the last 64 bytes
		vj := v[j*size : (j+1)*size]
		for k := range x {
			x[k] ^= vj[k]
		}
		blockMix(&t, x, y, r)
		x, y = y, x
	}
	for i, w := range x {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
}

// blockMix is scryptBlockMix (RFC 7914 section 4): Salsa20/8 over the 2r
// 64-byte blocks of in, even results first, then odd ones, into out.
func blockMix(t *[16]uint32, in, out []uint32, r int) {
	copy(t[:], in[(2*r-1)*16:])
	for i := 0; i < 2*r; i++ {
		for k := range t {
			t[k] ^= in[i*16+k]
		}
		salsa8(t)
		dst := (i/2)*16 + (i%2)*r*16
		copy(out[dst:dst+16], t[:])
	}
}

// salsa8 is the Salsa20/8 core (RFC 7914 section 3) in place.
func salsa8(b *[16]uint32) {
	x := *b
	q := func(a, b, c, d int) {
		x[b] ^= bits.RotateLeft32(x[a]+x[d], 7)
		x[c] ^= bits.RotateLeft32(x[b]+x[a], 9)
		x[d] ^= bits.RotateLeft32(x[c]+x[b], 13)
		x[a] ^= bits.RotateLeft32(x[d]+x[c], 18)
	}
	for i := 0; i < 8; i += 2 {
		q(0, 4, 8, 12) // columns
		q(5, 9, 13, 1)
		q(10, 14, 2, 6)
		q(15, 3, 7, 11)
		q(0, 1, 2, 3) // rows
		q(5, 6, 7, 4)
		q(10, 11, 8, 9)
		q(15, 12, 13, 14)
	}
	for i := range b {
		b[i] += x[i]
	}
}
