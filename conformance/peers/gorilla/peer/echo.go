package main

import (
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// echo sends every message back as it came (text as text, binary as binary) until the connection ends.
// gorilla leaves UTF-8 checking of text messages to the application, so a text message that is not
// valid UTF-8 gets a 1007 close instead (as in gorilla's own runs of the suite).
func echo(conn *websocket.Conn) {
	for {
		kind, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		if kind == websocket.TextMessage && !utf8.Valid(data) {
			msg := websocket.FormatCloseMessage(websocket.CloseInvalidFramePayloadData, "")
			conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
			return
		}
		if err := conn.WriteMessage(kind, data); err != nil {
			return
		}
	}
}
