// gorilla-echo: gorilla/websocket's own client against its own server on 127.0.0.1, reporting the
// echo figures the .NET echo tool measures as one JSON object: 64 B round trips; 64 B, 1 KiB, 64 KiB
// and 1 MiB pipelined; 1, 100 and 1000 connections at once (64 B, and 1 KiB for the _1k keys); and,
// given --payloads DIR, the deflate shapes over the same message bytes the .NET side sends. A shape
// whose count is 0 is left out.
//
// For the server-only tables the two halves also run apart: --serve runs only the echo server (it
// prints "listening 127.0.0.1:PORT" and serves until killed), and --target ws://HOST:PORT/ runs only
// the client, against any server.
package main

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/gorilla/websocket"
)

// serverBytesRead counts every byte the server reads off its sockets: the compressed size on the wire.
var serverBytesRead int64

// ownServer is false with --target: the server is another program and its bytes are not counted here.
var ownServer = true

type countingListener struct{ net.Listener }

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c}, nil
}

type countingConn struct{ net.Conn }

func (c countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	atomic.AddInt64(&serverBytesRead, int64(n))
	return n, err
}

// The server accepts permessage-deflate when a client offers it; gorilla then compresses at its default level.
var upgrader = websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096, EnableCompression: true}

func echo(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
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

var (
	plain    = &websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	deflated = &websocket.Dialer{HandshakeTimeout: 10 * time.Second, EnableCompression: true}
)

func dial(d *websocket.Dialer, addr string) *websocket.Conn {
	c, _, err := d.Dial("ws://"+addr+"/", nil)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func randomMessages(size, count int) [][]byte {
	all := make([][]byte, count)
	for i := range all {
		all[i] = make([]byte, size)
		rand.Read(all[i])
	}
	return all
}

// loadMessages reads a payload set the echo tool wrote: each message as a 4-byte little-endian length, then its bytes.
func loadMessages(path string) [][]byte {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	var all [][]byte
	for len(data) >= 4 {
		n := int(binary.LittleEndian.Uint32(data))
		all = append(all, data[4:4+n])
		data = data[4+n:]
	}
	return all
}

func roundTrip(c *websocket.Conn, m []byte) {
	if err := c.WriteMessage(websocket.BinaryMessage, m); err != nil {
		log.Fatal(err)
	}
	if _, r, err := c.ReadMessage(); err != nil || len(r) != len(m) {
		log.Fatal("echo failed: ", err)
	}
}

// cpuSeconds is the CPU time this process has used so far, user and kernel, all its threads.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatal(err)
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// busy is the share of one CPU the client used over the timed part: near 1 on one CPU, the client set the rate.
func busy(cpu0, secs float64) float64 { return (cpuSeconds() - cpu0) / secs }

// segmentsSent is how many TCP segments the connection's socket has sent (tcpi_segs_out of Linux's struct
// tcp_info, at byte 136), and false where the kernel does not report it. Over loopback a segment sent is
// delivered inside the write that sends it, so whether this client's small writes leave one segment each or
// queue behind a closed window and leave together decides most of what a pipelined message costs it.
func segmentsSent(c *websocket.Conn) (uint32, bool) {
	tc, ok := c.UnderlyingConn().(*net.TCPConn)
	if !ok {
		return 0, false
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return 0, false
	}
	var info [256]byte
	size := uint32(len(info))
	var errno syscall.Errno
	if err := raw.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall6(syscall.SYS_GETSOCKOPT, fd, syscall.IPPROTO_TCP, syscall.TCP_INFO,
			uintptr(unsafe.Pointer(&info[0])), uintptr(unsafe.Pointer(&size)), 0)
	}); err != nil || errno != 0 || size < 140 {
		return 0, false
	}
	return *(*uint32)(unsafe.Pointer(&info[136])), true
}

func roundTrips(addr string, n int) map[string]float64 {
	c := dial(plain, addr)
	defer c.Close()
	m := randomMessages(64, 1)[0]
	lat := make([]time.Duration, n)
	cpu0 := cpuSeconds()
	start := time.Now()
	for i := 0; i < n; i++ {
		t0 := time.Now()
		roundTrip(c, m)
		lat[i] = time.Since(t0)
	}
	secs := time.Since(start).Seconds()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return map[string]float64{
		"rt_per_s":        float64(n) / secs,
		"p50_us":          float64(lat[n/2].Nanoseconds()) / 1e3,
		"p99_us":          float64(lat[n*99/100].Nanoseconds()) / 1e3,
		"client_cpu_busy": busy(cpu0, secs),
	}
}

// pipelined: a writer goroutine sends n messages (cycling through msgs) while this one reads n echoes.
func pipelined(d *websocket.Dialer, addr string, msgs [][]byte, n int) map[string]float64 {
	c := dial(d, addr)
	defer c.Close()
	bytes := 0
	for i := 0; i < n; i++ {
		bytes += len(msgs[i%len(msgs)])
	}
	wireBefore := atomic.LoadInt64(&serverBytesRead)
	segs0, haveSegs := segmentsSent(c)
	cpu0 := cpuSeconds()
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		for i := 0; i < n; i++ {
			if err := c.WriteMessage(websocket.BinaryMessage, msgs[i%len(msgs)]); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < n; i++ {
		if _, r, err := c.ReadMessage(); err != nil || len(r) != len(msgs[i%len(msgs)]) {
			log.Fatal("echo failed: ", err)
		}
	}
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	secs := time.Since(start).Seconds()
	figures := map[string]float64{"msgs_per_s": float64(n) / secs, "mb_per_s": float64(bytes) / secs / 1e6, "client_cpu_busy": busy(cpu0, secs)}
	if segs1, ok := segmentsSent(c); ok && haveSegs {
		figures["client_segs_per_msg"] = float64(segs1-segs0) / float64(n)
	}
	if d == deflated && ownServer {
		// Every request has reached the server once its echo is read, so the count is complete.
		figures["wire_b_per_msg"] = float64(atomic.LoadInt64(&serverBytesRead)-wireBefore) / float64(n)
	}
	return figures
}

// concurrent: every connection does perConn round trips of size bytes at once; the figure is the aggregate rate.
func concurrent(addr string, conns, perConn, size int) map[string]float64 {
	cs := make([]*websocket.Conn, conns)
	for i := range cs {
		cs[i] = dial(plain, addr)
	}
	m := randomMessages(size, 1)[0]
	var wg sync.WaitGroup
	cpu0 := cpuSeconds()
	start := time.Now()
	for _, c := range cs {
		wg.Add(1)
		go func(c *websocket.Conn) {
			defer wg.Done()
			for i := 0; i < perConn; i++ {
				roundTrip(c, m)
			}
		}(c)
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	cpuBusy := busy(cpu0, secs)
	for _, c := range cs {
		c.Close()
	}
	return map[string]float64{"msgs_per_s": float64(conns*perConn) / secs, "client_cpu_busy": cpuBusy}
}

func main() {
	counts := map[string]*int{}
	for _, k := range []string{"rt64", "pipe64", "pipe1k", "pipe64k", "pipe1m", "conn1", "conn100", "conn1000",
		"conn100_1k", "conn1000_1k", "deflate_random16k", "deflate_json4k", "deflate_json64k"} {
		counts[k] = flag.Int(k, 0, "messages for "+k+" (per connection for connN); 0 leaves it out")
	}
	payloads := flag.String("payloads", "", "directory with the deflate payload sets (<shape>.bin)")
	serve := flag.Bool("serve", false, "run only the echo server: print its address and serve until killed")
	target := flag.String("target", "", "run only the client, against this server (ws://HOST:PORT/)")
	flag.Parse()
	var addr string
	if *target != "" {
		u, err := url.Parse(*target)
		if err != nil || u.Scheme != "ws" || u.Host == "" {
			log.Fatal("--target wants ws://HOST:PORT/: ", *target)
		}
		addr = u.Host
		ownServer = false
	} else {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatal(err)
		}
		addr = ln.Addr().String()
		if *serve {
			fmt.Printf("listening %s\n", addr)
			log.Fatal(http.Serve(ln, http.HandlerFunc(echo)))
		}
		go http.Serve(countingListener{ln}, http.HandlerFunc(echo))
	}
	out := map[string]map[string]float64{}
	run := func(key string, f func(n int) map[string]float64) {
		if n := *counts[key]; n > 0 {
			out[key] = f(n)
		}
	}
	pipe := func(size int) func(int) map[string]float64 {
		msgs := randomMessages(size, 4)
		return func(n int) map[string]float64 { return pipelined(plain, addr, msgs, n) }
	}
	conns := func(c, size int) func(int) map[string]float64 {
		return func(n int) map[string]float64 { return concurrent(addr, c, n, size) }
	}
	run("rt64", func(n int) map[string]float64 { return roundTrips(addr, n) })
	run("pipe64", pipe(64))
	run("pipe1k", pipe(1024))
	run("pipe64k", pipe(64*1024))
	run("pipe1m", pipe(1024*1024))
	run("conn1", conns(1, 64))
	run("conn100", conns(100, 64))
	run("conn1000", conns(1000, 64))
	run("conn100_1k", conns(100, 1024))
	run("conn1000_1k", conns(1000, 1024))
	if *payloads != "" {
		for _, k := range []string{"deflate_random16k", "deflate_json4k", "deflate_json64k"} {
			msgs := loadMessages(filepath.Join(*payloads, k+".bin"))
			run(k, func(n int) map[string]float64 { return pipelined(deflated, addr, msgs, n) })
		}
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
