package main

import (
	"fmt"
	"log"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
)

// drive asks the fuzzing server for its case count, runs every case as an echo client, then asks for the reports.
func drive(base, agent string, compress bool) {
	dialer := &websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 4096, EnableCompression: compress}
	agent = url.QueryEscape(agent)
	count, err := strconv.Atoi(control(dialer, base+"/getCaseCount"))
	if err != nil {
		log.Fatalf("case count: %v", err)
	}
	for i := 1; i <= count; i++ {
		conn, _, err := dialer.Dial(fmt.Sprintf("%s/runCase?case=%d&agent=%s", base, i, agent), nil)
		if err != nil {
			continue // the fuzzing server records a refused handshake as the case's outcome
		}
		echo(conn)
		conn.Close()
	}
	control(dialer, base+"/updateReports?agent="+agent)
	fmt.Printf("ran %d cases\n", count)
}

// control returns the last text message a control endpoint sends (if any), once it has closed.
func control(dialer *websocket.Dialer, u string) string {
	conn, _, err := dialer.Dial(u, nil)
	if err != nil {
		log.Fatalf("%s: %v", u, err)
	}
	defer conn.Close()
	text := ""
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return text
		}
		text = string(data)
	}
}
