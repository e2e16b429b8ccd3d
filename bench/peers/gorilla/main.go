// gorilla-echo: gorilla/websocket's own client against its own server on 127.0.0.1, reporting the
// echo figures the .NET echo tool measures (64 B round trips, 64 B and 64 KiB pipelined) as JSON.
package main

import (
	"crypto/rand"
	"encoding/json"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"sort"
	"time"

	"github.com/gorilla/websocket"
)

func echo(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	for {
		t, m, err := c.ReadMessage()
		if err != nil {
			return
		}
		if err := c.WriteMessage(t, m); err != nil {
			return
		}
	}
}

func dial(addr string) *websocket.Conn {
	c, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/", nil)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func payload(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func roundTrips(addr string, n int) map[string]float64 {
	c := dial(addr)
	defer c.Close()
	m := payload(64)
	lat := make([]time.Duration, n)
	start := time.Now()
	for i := 0; i < n; i++ {
		t0 := time.Now()
		if err := c.WriteMessage(websocket.BinaryMessage, m); err != nil {
			log.Fatal(err)
		}
		if _, r, err := c.ReadMessage(); err != nil || len(r) != len(m) {
			log.Fatal("echo failed: ", err)
		}
		lat[i] = time.Since(t0)
	}
	secs := time.Since(start).Seconds()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return map[string]float64{
		"rt_per_s": float64(n) / secs,
		"p50_us":   float64(lat[n/2].Nanoseconds()) / 1e3,
		"p99_us":   float64(lat[n*99/100].Nanoseconds()) / 1e3,
	}
}

func pipelined(addr string, size, n int) map[string]float64 {
	c := dial(addr)
	defer c.Close()
	m := payload(size)
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		for i := 0; i < n; i++ {
			if err := c.WriteMessage(websocket.BinaryMessage, m); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < n; i++ {
		if _, r, err := c.ReadMessage(); err != nil || len(r) != size {
			log.Fatal("echo failed: ", err)
		}
	}
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	secs := time.Since(start).Seconds()
	return map[string]float64{"msgs_per_s": float64(n) / secs, "mb_per_s": float64(n*size) / secs / 1e6}
}

func main() {
	rt := flag.Int("rt", 10000, "64 B round trips")
	p64 := flag.Int("pipe64", 50000, "64 B pipelined messages")
	p64k := flag.Int("pipe64k", 1000, "64 KiB pipelined messages")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(ln, http.HandlerFunc(echo))
	addr := ln.Addr().String()
	out := map[string]map[string]float64{
		"rt64":    roundTrips(addr, *rt),
		"pipe64":  pipelined(addr, 64, *p64),
		"pipe64k": pipelined(addr, 64*1024, *p64k),
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
