using System.Text;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// Seeds for the handshake target: opening requests in the header shapes that browsers and common
/// clients document and send (Chromium, Firefox, curl, Node ws, Python websockets, Go gorilla,
/// .NET ClientWebSocket), responses in the shapes servers send, and the classic malformed heads.
/// </summary>
internal static class HandshakeSeeds
{
    private const string Key = "x3JJHMbDL1EzLkh9GBhXDw==";

    public static IEnumerable<FuzzSeed> All()
    {
        byte everything = 0xFF;                    // takeover allowed both ways, window 15 both ways
        byte limited = 0b101_011_00;               // no takeover, server window 11, client window 13
        byte[] once = ChunkSchedule.Encode(), lines = ChunkSchedule.Encode(17, 1, 40), bytewise = ChunkSchedule.Encode(1);

        yield return Request("chromium", everything, lines, """
            GET /chat HTTP/1.1
            Host: example.com:8000
            Connection: Upgrade
            Pragma: no-cache
            Cache-Control: no-cache
            User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36
            Upgrade: websocket
            Origin: http://example.com:8000
            Sec-WebSocket-Version: 13
            Accept-Encoding: gzip, deflate, br, zstd
            Accept-Language: en-US,en;q=0.9
            Sec-WebSocket-Key: {KEY}
            Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits
            """);
        yield return Request("firefox", limited, once, """
            GET /socket?room=1 HTTP/1.1
            Host: example.com
            User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0
            Accept: */*
            Accept-Language: en-US,en;q=0.5
            Accept-Encoding: gzip, deflate, br, zstd
            Sec-WebSocket-Version: 13
            Origin: https://example.com
            Sec-WebSocket-Protocol: chat, superchat
            Sec-WebSocket-Extensions: permessage-deflate
            Sec-WebSocket-Key: {KEY}
            Connection: keep-alive, Upgrade
            Sec-Fetch-Dest: empty
            Sec-Fetch-Mode: websocket
            Sec-Fetch-Site: same-origin
            Pragma: no-cache
            Cache-Control: no-cache
            Upgrade: websocket
            """);
        yield return Request("curl", everything, bytewise, """
            GET /ws HTTP/1.1
            Host: localhost:8080
            User-Agent: curl/8.11.1
            Accept: */*
            Upgrade: websocket
            Sec-WebSocket-Version: 13
            Sec-WebSocket-Key: {KEY}
            Connection: Upgrade
            """);
        yield return Request("node-ws", limited, lines, """
            GET / HTTP/1.1
            Sec-WebSocket-Version: 13
            Sec-WebSocket-Key: {KEY}
            Connection: Upgrade
            Upgrade: websocket
            Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits
            Host: 127.0.0.1:8080
            """);
        yield return Request("python-websockets", everything, once, """
            GET / HTTP/1.1
            Host: localhost:8765
            Upgrade: websocket
            Connection: Upgrade
            Sec-WebSocket-Key: {KEY}
            Sec-WebSocket-Version: 13
            Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits
            User-Agent: Python/3.11 websockets/10.4
            """);
        yield return Request("go-gorilla", limited, once, """
            GET /echo HTTP/1.1
            Host: localhost:8080
            User-Agent: Go-http-client/1.1
            Connection: Upgrade
            Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover
            Sec-WebSocket-Key: {KEY}
            Sec-WebSocket-Version: 13
            Upgrade: websocket
            """);
        yield return Request("dotnet-clientwebsocket", everything, lines, """
            GET /ws HTTP/1.1
            Host: localhost:5000
            Connection: Upgrade
            Upgrade: websocket
            Sec-WebSocket-Key: {KEY}
            Sec-WebSocket-Version: 13
            Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=14; server_max_window_bits=13
            """);
        yield return Request("autobahn-style-offers", limited, once, """
            GET / HTTP/1.1
            Host: 127.0.0.1:9001
            Upgrade: WebSocket
            Connection: Upgrade
            Sec-WebSocket-Key: {KEY}
            Sec-WebSocket-Version: 13
            Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=8; server_max_window_bits=9, permessage-deflate; client_no_context_takeover, x-webkit-deflate-frame, foo; bar="baz"
            """);
        yield return Request("http10-post-no-upgrade", everything, once, """
            POST /chat HTTP/1.0
            Host: example.com
            Content-Length: 0
            """);
        yield return Request("wrong-version-8", everything, once, """
            GET / HTTP/1.1
            Host: example.com
            Upgrade: websocket
            Connection: Upgrade
            Sec-WebSocket-Key: {KEY}
            Sec-WebSocket-Version: 8
            """);
        yield return Raw("bare-lf", 0, everything, once, "GET / HTTP/1.1\nHost: a\n\n");
        yield return Raw("obs-fold", 0, everything, once, "GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n");
        yield return Raw("space-before-colon", 0, everything, once, "GET / HTTP/1.1\r\nHost : a\r\n\r\n");
        yield return Raw("http2-version-small-limits", 2, everything, once, "GET / HTTP/2.0\r\nHost: a\r\n\r\n");

        yield return Response("rfc6455-example", everything, once, """
            HTTP/1.1 101 Switching Protocols
            Upgrade: websocket
            Connection: Upgrade
            Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
            Sec-WebSocket-Protocol: chat
            """);
        yield return Response("node-ws-deflate", everything, lines, """
            HTTP/1.1 101 Switching Protocols
            Upgrade: websocket
            Connection: Upgrade
            Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
            Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=15
            """, extensionsOffered: true);
        yield return Response("gorilla-no-takeover", limited, once, """
            HTTP/1.1 101 Switching Protocols
            Upgrade: websocket
            Connection: Upgrade
            Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
            Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover
            """, extensionsOffered: true);
        yield return Response("python-websockets-windows", 0b101_101_11, once, """
            HTTP/1.1 101 Switching Protocols
            Upgrade: websocket
            Connection: Upgrade
            Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
            Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=12; client_max_window_bits=12
            Date: Tue, 24 Nov 2026 10:00:00 GMT
            Server: Python/3.11 websockets/10.4
            """, extensionsOffered: true);
        yield return Response("kestrel", everything, bytewise, """
            HTTP/1.1 101 Switching Protocols
            Connection: Upgrade
            Date: Tue, 24 Nov 2026 10:00:00 GMT
            Server: Kestrel
            Upgrade: websocket
            Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
            """);
        yield return Response("refusal-426", everything, once, """
            HTTP/1.1 426 Upgrade Required
            Sec-WebSocket-Version: 13
            Connection: close
            Content-Length: 0
            """);
        yield return Raw("status-without-reason", 1, everything, once, "HTTP/1.1 101\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
    }

    private static FuzzSeed Request(string name, byte options, byte[] schedule, string head)
        => Raw("request-" + name, 0, options, schedule, Crlf(head.Replace("{KEY}", Key)));

    private static FuzzSeed Response(string name, byte options, byte[] schedule, string head, bool extensionsOffered = false)
        => Raw("response-" + name, (byte)(1 | (extensionsOffered ? 8 : 0)), options, schedule, Crlf(head));

    private static string Crlf(string head) => head.ReplaceLineEndings("\r\n") + "\r\n\r\n";

    private static FuzzSeed Raw(string name, byte mode, byte options, byte[] schedule, string head)
        => new(name, [mode, options, .. schedule, .. Encoding.Latin1.GetBytes(head)]);
}
