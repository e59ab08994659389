// Opens a signed note with golang.org/x/mod/sumdb/note, an implementation not ours: prints
// the note's text when the signature by the given verifier key holds, exits 1 otherwise.
//
//	go run note_open.go VKEY NOTE_FILE
package main

import (
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"
)

func main() {
	verifier, err := note.NewVerifier(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "vkey:", err)
		os.Exit(2)
	}
	msg, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(1)
	}
	for _, sig := range n.Sigs {
		fmt.Fprintf(os.Stderr, "signed by %s %08x\n", sig.Name, sig.Hash)
	}
	fmt.Print(n.Text)
}
