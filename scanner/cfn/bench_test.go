package cfn

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stackgate/stackgate/internal/benchgen"
)

// realisticTemplate builds a 48-resource template: the VPC and security
// group stack of testdata repeated eight times with renamed logical ids.
func realisticTemplate(b *testing.B) []byte {
	src, err := os.ReadFile(filepath.Join("testdata", "vpc-security-groups.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	head, body, _ := bytes.Cut(src, []byte("Resources:\n"))
	var out bytes.Buffer
	out.Write(head)
	out.WriteString("Resources:\n")
	ids := regexp.MustCompile(`\b(Vpc|PublicSubnetA|PublicSubnetB|WebSecurityGroup|BastionSecurityGroup|BastionSshIngress)\b`)
	for i := 0; i < 8; i++ {
		out.Write(ids.ReplaceAll(body, []byte("${1}"+string(rune('A'+i)))))
	}
	return out.Bytes()
}

func BenchmarkLoad(b *testing.B) {
	realistic := realisticTemplate(b)
	if tpl, err := Load("bench.yaml", realistic, Options{Params: map[string]string{"AdminCidr": "10.0.0.0/8"}}); err != nil || len(tpl.Resources) != 48 {
		b.Fatalf("realistic template: %v", err)
	}
	for _, bc := range []struct {
		name string
		src  []byte
	}{
		{"48-resources", realistic},
		{"5000-resources", manyResources(2500)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load("bench.yaml", bc.src, Options{Params: map[string]string{"AdminCidr": "10.0.0.0/8"}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoadLarge loads a generated template of 110,000 S3 buckets
// (about 15 MB, under DefaultMaxBytes). Besides time and allocations it
// reports the peak heap in use during one Load and the heap its result
// keeps, in MB and as a multiple of the input size.
//
//	go test -run='^$' -bench=LoadLarge -benchtime=1x ./scanner/cfn/
func BenchmarkLoadLarge(b *testing.B) {
	const n = 110000
	src := benchgen.Template(n)
	benchgen.BenchLoad(b, src, n, func() (int, any, error) {
		tpl, err := Load("big.yaml", src, Options{})
		if err != nil {
			return 0, nil, err
		}
		return len(tpl.Resources), tpl, nil
	})
}
