package cfn

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stackgate/stackgate/policies/model"
)

// FuzzLoad checks that Load never panics, that every error is a
// *model.Error, and that every loaded model is plain JSON data with valid
// ranges. Seeds are the testdata templates.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, file := range append(files, more...) {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      X: !Select [0, !Cidr [10.0.0.0/8, 2, 4]]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		IsTemplate(src)
		tpl, err := Load("fuzz.yaml", src, Options{Region: "us-east-1", MaxBytes: 1 << 20})
		if err != nil {
			var me *model.Error
			if !asModelError(err, &me) {
				t.Fatalf("error %v (%T) is not a *model.Error", err, err)
			}
			return
		}
		for _, r := range tpl.Resources {
			if _, err := json.Marshal(r.Properties); err != nil {
				t.Fatalf("%s: properties are not JSON: %v", r.Address, err)
			}
			for p, rg := range r.Origin.AllPaths() {
				if rg.Start.Byte > rg.End.Byte || rg.End.Byte > len(src) {
					t.Fatalf("%s %q: bad range %+v", r.Address, p, rg)
				}
			}
		}
		_, _ = ParseParameterFile("fuzz.json", src)
	})
}

func asModelError(err error, me **model.Error) bool {
	if l, ok := err.(ErrorList); ok {
		if len(l) == 0 {
			return false
		}
		*me = l[0]
		return true
	}
	e, ok := err.(*model.Error)
	*me = e
	return ok
}
