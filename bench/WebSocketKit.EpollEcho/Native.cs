using System.Runtime.InteropServices;

namespace WebSocketKit.EpollEcho;

/// <summary>The few Linux calls the loop makes, straight to libc: no SocketAsyncContext, no thread pool.</summary>
internal static unsafe partial class Native
{
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const uint EPOLLIN = 0x001, EPOLLOUT = 0x004, EPOLLERR = 0x008, EPOLLHUP = 0x010, EPOLLRDHUP = 0x2000;
    public const int EPOLL_CTL_ADD = 1, EPOLL_CTL_MOD = 3;
    public const int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int IPPROTO_TCP = 6, TCP_NODELAY = 1;

    /// <summary>struct epoll_event as x86-64 lays it out: packed, 12 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [LibraryImport("libc", SetLastError = true)] public static partial int epoll_create1(int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial int epoll_ctl(int epfd, int op, int fd, EpollEvent* ev);
    [LibraryImport("libc", SetLastError = true)] public static partial int epoll_wait(int epfd, EpollEvent* events, int maxevents, int timeout);
    [LibraryImport("libc", SetLastError = true)] public static partial int accept4(int fd, nint addr, nint addrlen, int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial nint recv(int fd, byte* buf, nint len, int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial nint send(int fd, byte* buf, nint len, int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial int setsockopt(int fd, int level, int name, int* value, int length);
    [LibraryImport("libc", SetLastError = true)] public static partial int close(int fd);

    public static void Control(int epfd, int op, int fd, uint events)
    {
        var ev = new EpollEvent { Events = events, Data = (ulong)fd };
        if (epoll_ctl(epfd, op, fd, &ev) < 0) throw new InvalidOperationException($"epoll_ctl({op}, {fd}) failed: errno {Marshal.GetLastPInvokeError()}");
    }
}
