namespace WebSocketKit.Protocol.Compression;

/// <summary>What <see cref="Inflater"/> needs next, or why it stopped for good.</summary>
public enum InflateStatus
{
    /// <summary>All input was consumed; give more payload (or call <see cref="Inflater.FinishMessage"/>).</summary>
    NeedInput,
    /// <summary>The output span is full and more bytes are pending: call again with fresh output space.</summary>
    OutputFull,
    /// <summary>The message ended cleanly (only from <see cref="Inflater.FinishMessage"/>).</summary>
    MessageComplete,
    /// <summary>The data is not valid DEFLATE, or refers further back than the window; see <see cref="Inflater.Error"/>.</summary>
    InvalidData,
    /// <summary>The message inflates past <see cref="Inflater.MaxMessageSize"/>; at most that many bytes were produced.</summary>
    MessageTooBig,
}
