using System.Runtime.InteropServices;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Handshake;
using static WebSocketKit.EpollEcho.Native;

namespace WebSocketKit.EpollEcho;

/// <summary>
/// One thread: epoll_wait, then for each ready connection one recv, every whole event in it handled through the
/// Sans-IO core, and what it produced sent in one send. Level-triggered; a connection whose send is short stops
/// reading until its output drains (EPOLLOUT), so a peer that does not read cannot grow our memory.
/// </summary>
internal sealed unsafe class EpollLoop(int listenFd)
{
    private const int MaxMessage = 16 << 20;
    private readonly int _ep = epoll_create1(0);
    private Peer?[] _peers = new Peer?[1024];

    public void Run()
    {
        Control(_ep, EPOLL_CTL_ADD, listenFd, EPOLLIN);
        var events = new EpollEvent[256];
        while (true)
        {
            int n;
            fixed (EpollEvent* e = events) n = epoll_wait(_ep, e, events.Length, -1);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == EINTR) continue;
                throw new InvalidOperationException($"epoll_wait failed: errno {Marshal.GetLastPInvokeError()}");
            }
            for (int i = 0; i < n; i++)
            {
                int fd = (int)events[i].Data;
                if (fd == listenFd) { Accept(); continue; }
                var p = _peers[fd];
                if (p is null) continue;
                uint ev = events[i].Events;
                if ((ev & EPOLLOUT) != 0 && !Flush(p)) continue;
                if ((ev & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) != 0 && !p.Blocked) Read(p);
            }
        }
    }

    private void Accept()
    {
        while (true)
        {
            int fd = accept4(listenFd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return; // EAGAIN: none left (or an error the next readiness retries)
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(int));
            if (fd >= _peers.Length) Array.Resize(ref _peers, Math.Max(fd + 1, _peers.Length * 2));
            _peers[fd] = new Peer(fd);
            Control(_ep, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLRDHUP);
        }
    }

    private void Read(Peer p)
    {
        if (p.InEnd == p.In.Length) Array.Resize(ref p.In, p.In.Length * 2); // a handshake head or a frame header across the end
        nint got;
        fixed (byte* b = &p.In[p.InEnd]) got = recv(p.Fd, b, p.In.Length - p.InEnd, 0);
        if (got == 0) { Drop(p); return; }
        if (got < 0)
        {
            if (Marshal.GetLastPInvokeError() != EAGAIN) Drop(p);
            return;
        }
        p.InEnd += (int)got;
        if (p.Receiver is null ? Handshake(p) : Frames(p)) Flush(p);
    }

    /// <summary>Parses the opening request once it is whole and answers 101 or the refusal the checks name.</summary>
    private bool Handshake(Peer p)
    {
        var status = HttpHeadParser.ParseRequest(p.In.AsSpan(0, p.InEnd), HttpParseLimits.Default, out var request, out int consumed, out _);
        if (status == HttpParseStatus.Incomplete) return false;
        if (status == HttpParseStatus.Invalid) { Append(p, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"u8); p.Closing = true; return true; }
        var verdict = ServerHandshake.Validate(request!);
        if (!verdict.Accepted) { Append(p, ServerHandshake.BuildRefusal(verdict)); p.Closing = true; return true; }
        Append(p, ServerHandshake.BuildAccept(verdict.Key!, null, null));
        p.Receiver = new MessageReceiver(Role.Server, MaxMessage);
        p.Sender = new MessageSender(Role.Server);
        p.InStart = consumed;
        Frames(p);
        return true;
    }

    /// <summary>Every event the input holds: messages gathered and echoed, pings answered, a close echoed, an error closed with its code.</summary>
    private bool Frames(Peer p)
    {
        var r = p.Receiver!;
        bool wrote = false;
        while (!p.Closing)
        {
            if (r.InMessage && p.Msg.Length - p.MsgLen < 1024) Array.Resize(ref p.Msg, p.Msg.Length * 2);
            var ev = r.Receive(p.In.AsSpan(p.InStart, p.InEnd - p.InStart), p.Msg.AsSpan(p.MsgLen), out int used, out int written);
            p.InStart += used;
            switch (ev)
            {
                case ReceiveEvent.NeedMoreData:
                    p.Compact();
                    return wrote;
                case ReceiveEvent.MessageStart:
                    p.MsgLen = 0;
                    break;
                case ReceiveEvent.Data:
                    p.MsgLen += written;
                    break;
                case ReceiveEvent.MessageEnd:
                    var opcode = r.MessageType == MessageType.Text ? Opcode.Text : Opcode.Binary;
                    Reserve(p, FrameHeader.MaxSize + p.MsgLen);
                    p.OutEnd += p.Sender!.WriteHeader(p.Out.AsSpan(p.OutEnd), opcode, true, p.MsgLen, out _);
                    p.Msg.AsSpan(0, p.MsgLen).CopyTo(p.Out.AsSpan(p.OutEnd));
                    p.OutEnd += p.MsgLen;
                    p.MsgLen = 0;
                    wrote = true;
                    break;
                case ReceiveEvent.Ping:
                    Reserve(p, FrameHeader.MaxSize + 125);
                    p.OutEnd += p.Sender!.WriteControl(p.Out.AsSpan(p.OutEnd), Opcode.Pong, r.ControlPayload.Span);
                    wrote = true;
                    break;
                case ReceiveEvent.Pong:
                    break;
                case ReceiveEvent.Close:
                case ReceiveEvent.Error:
                    ushort code = ev == ReceiveEvent.Close ? r.CloseCode : r.ErrorCloseCode;
                    byte[] body = code is 0 or CloseStatus.NoStatusReceived ? [] : ClosePayload.Format(code);
                    Reserve(p, FrameHeader.MaxSize + body.Length);
                    p.OutEnd += p.Sender!.WriteControl(p.Out.AsSpan(p.OutEnd), Opcode.Close, body);
                    p.Closing = true;
                    return true;
            }
        }
        return wrote;
    }

    /// <summary>Sends what is queued. False when the connection went away. A short send waits for EPOLLOUT and stops reading.</summary>
    private bool Flush(Peer p)
    {
        while (p.OutStart < p.OutEnd)
        {
            nint sent;
            fixed (byte* b = &p.Out[p.OutStart]) sent = send(p.Fd, b, p.OutEnd - p.OutStart, MSG_NOSIGNAL);
            if (sent < 0)
            {
                if (Marshal.GetLastPInvokeError() != EAGAIN) { Drop(p); return false; }
                if (!p.Blocked) { p.Blocked = true; Control(_ep, EPOLL_CTL_MOD, p.Fd, EPOLLOUT | EPOLLRDHUP); }
                return true;
            }
            p.OutStart += (int)sent;
        }
        p.OutStart = p.OutEnd = 0;
        if (p.Closing) { Drop(p); return false; }
        if (p.Blocked)
        {
            p.Blocked = false;
            Control(_ep, EPOLL_CTL_MOD, p.Fd, EPOLLIN | EPOLLRDHUP);
            // Input that arrived while blocked is still in the kernel: level-triggered EPOLLIN reports it again.
        }
        return true;
    }

    private static void Append(Peer p, ReadOnlySpan<byte> bytes)
    {
        Reserve(p, bytes.Length);
        bytes.CopyTo(p.Out.AsSpan(p.OutEnd));
        p.OutEnd += bytes.Length;
    }

    private static void Reserve(Peer p, int count)
    {
        if (p.Out.Length - p.OutEnd < count) Array.Resize(ref p.Out, Math.Max(p.Out.Length * 2, p.OutEnd + count));
    }

    private void Drop(Peer p)
    {
        _peers[p.Fd] = null;
        close(p.Fd); // closing the descriptor also takes it out of the epoll set
        p.Sender?.Dispose();
    }

    private sealed class Peer(int fd)
    {
        public readonly int Fd = fd;
        public byte[] In = new byte[16 << 10];
        public int InStart, InEnd;
        public byte[] Out = new byte[16 << 10];
        public int OutStart, OutEnd;
        public byte[] Msg = new byte[4 << 10];
        public int MsgLen;
        public MessageReceiver? Receiver;
        public MessageSender? Sender;
        public bool Blocked, Closing;

        /// <summary>Moves the unread tail to the front, so the next recv has the room behind it.</summary>
        public void Compact()
        {
            int left = InEnd - InStart;
            if (left > 0 && InStart > 0) In.AsSpan(InStart, left).CopyTo(In);
            InStart = 0;
            InEnd = left;
        }
    }
}
