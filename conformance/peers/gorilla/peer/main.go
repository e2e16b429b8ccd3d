// A gorilla/websocket peer for the conformance engine's tests, as an echo server or as an echo client.
//
//	PORT=n [PMD=1] peer server              listens on 127.0.0.1, prints "echo on" once listening
//	[PMD=1] peer client <ws-base-url> <agent>   driven by a fuzzing server, prints "ran N cases" at the end
package main

import (
	"log"
	"os"
)

func main() {
	compress := os.Getenv("PMD") == "1"
	switch {
	case len(os.Args) == 2 && os.Args[1] == "server":
		serve(os.Getenv("PORT"), compress)
	case len(os.Args) == 4 && os.Args[1] == "client":
		drive(os.Args[2], os.Args[3], compress)
	default:
		log.Fatal("usage: peer server | peer client <ws-base-url> <agent>")
	}
}
