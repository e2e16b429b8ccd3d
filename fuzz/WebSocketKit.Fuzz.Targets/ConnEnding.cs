using WebSocketKit.Protocol;
using static WebSocketKit.Fuzz.Targets.FuzzFindingException;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>How a fuzzed <see cref="Conn"/> session ends: the input runs out, the peer closes, or a protocol error.</summary>
internal enum ConnEnding { EndOfStream, PeerClose, ProtocolError }

/// <summary>What the conn and conn-deflate targets share: the check of the session's ending, and waiting on Conn's tasks.</summary>
internal static class ConnSession
{
    /// <summary>
    /// The exception that ended the reads is the one the reference predicted: a protocol error with its close code
    /// (1002, 1007 or 1009, agreeing with the error's own mapping) after which the stream is closed, the peer's close
    /// with its code, or the end of the stream (1006).
    /// </summary>
    public static void CheckEnding(ConnEnding expected, ushort code, Exception ending, InMemoryDuplexStream stream)
    {
        switch (expected)
        {
            case ConnEnding.ProtocolError:
                Check(ending is WebSocketProtocolException p && p.CloseCode == code && ProtocolErrors.CloseCode(p.Error) == p.CloseCode,
                    $"expected the protocol exception with {code}, got {ending.GetType().Name}: {ending.Message}");
                Check(code is CloseStatus.ProtocolError or CloseStatus.InvalidPayloadData or CloseStatus.MessageTooBig, "1002, 1007 or 1009");
                Check(stream.IsDisposed, "a protocol error closes the stream");
                break;
            case ConnEnding.PeerClose:
                Check(ending is CloseException c && c.Code == code, $"expected the peer's close {code}, got {ending.GetType().Name}: {ending.Message}");
                break;
            default:
                Check(ending is CloseException { Code: CloseStatus.AbnormalClosure }, $"expected the end of the stream (1006), got {ending.GetType().Name}: {ending.Message}");
                break;
        }
    }

    // The in-memory stream completes synchronously, so these rarely block; when they do, they wait.
    public static T Sync<T>(ValueTask<T> task) => task.IsCompleted ? task.Result : task.AsTask().GetAwaiter().GetResult();

    public static void Sync(ValueTask task)
    {
        if (task.IsCompleted) task.GetAwaiter().GetResult();
        else task.AsTask().GetAwaiter().GetResult();
    }
}
