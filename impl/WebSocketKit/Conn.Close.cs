using WebSocketKit.Protocol;

namespace WebSocketKit;

public sealed partial class Conn
{
    /// <summary>
    /// The closing handshake (RFC 6455 sections 5.5.1 and 7.1.1): sends a Close frame with
    /// <paramref name="code"/> and <paramref name="reason"/>, waits up to
    /// <see cref="ConnectionOptions.CloseTimeout"/> for the peer's Close frame, then closes the
    /// stream. The server closes TCP first (section 7.1.1, so that the server, not the client, holds
    /// TIME_WAIT); a client waits, within the same timeout, for the server to close before it does.
    /// If another task is reading, that reader sees the peer's Close (as a
    /// <see cref="CloseException"/>) and this call waits for it; otherwise this call reads and
    /// discards messages until the Close arrives. gorilla leaves this sequence to the application.
    /// </summary>
    public async ValueTask CloseAsync(int code = CloseStatus.NormalClosure, string reason = "", CancellationToken cancellationToken = default)
    {
        var payload = CloseMessages.Format(code, reason);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_options.CloseTimeout);
        try
        {
            await TryWriteControlAsync(MessageType.Close, payload).ConfigureAwait(false);
            if (!_peerClosed && _readFailure is null)
            {
                if (TryEnterRead())
                {
                    try
                    {
                        await DrainUntilCloseAsync(cts.Token).ConfigureAwait(false);
                        // The client lets the server close TCP first (section 7.1.1).
                        if (_role == Role.Client && _peerClosed) await WaitForEndOfStreamAsync(cts.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        Volatile.Write(ref _readBusy, 0);
                    }
                }
                else
                {
                    await PeerClosedOrFailed().WaitAsync(cts.Token).ConfigureAwait(false);
                }
            }
            else if (_role == Role.Client && _peerClosed && TryEnterRead())
            {
                try { await WaitForEndOfStreamAsync(cts.Token).ConfigureAwait(false); }
                finally { Volatile.Write(ref _readBusy, 0); }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The peer did not answer in time: close anyway.
        }
        finally
        {
            Abort();
        }
    }

    private async ValueTask DrainUntilCloseAsync(CancellationToken token)
    {
        _readCallerToken = token;
        try
        {
            while (true) await OpenNextMessageAsync(token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CloseException or WebSocketProtocolException or ConnectionClosedException or TimeoutException)
        {
            // The read side has ended: with the peer's Close frame, or otherwise.
        }
    }

    private async ValueTask WaitForEndOfStreamAsync(CancellationToken token)
    {
        var scratch = new byte[256];
        try
        {
            while (await _stream.ReadAsync(scratch, token).ConfigureAwait(false) != 0) { }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException) { }
    }
}
