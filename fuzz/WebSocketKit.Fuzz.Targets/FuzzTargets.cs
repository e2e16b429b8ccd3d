namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// The registry of targets. Adding a target is one class implementing <see cref="IFuzzTarget"/>,
/// one line here, a seed corpus (its <see cref="IFuzzTarget.Seeds"/>) and a dictionary.
/// </summary>
public static class FuzzTargets
{
    /// <summary>Inputs are cut to this size so one execution stays fast and bounded.</summary>
    public const int MaxInputBytes = 64 * 1024;

    /// <summary>The names of every registered target, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["frame", "utf8", "inflate", "inflate-diff", "handshake", "conn", "conn-deflate", "receiver"];

    /// <summary>A fresh instance of the target called <paramref name="name"/>, or null.</summary>
    public static IFuzzTarget? Create(string name) => name switch
    {
        "frame" => new FrameTarget(),
        "utf8" => new Utf8Target(),
        "inflate" => new InflateTarget(),
        "inflate-diff" => new InflateDiffTarget(),
        "handshake" => new HandshakeTarget(),
        "conn" => new ConnTarget(),
        "conn-deflate" => new ConnDeflateTarget(),
        "receiver" => new ReceiverTarget(),
        _ => null,
    };

    /// <summary>Runs <paramref name="input"/> through <paramref name="target"/> with the harness's size cap.</summary>
    public static void RunCapped(IFuzzTarget target, ReadOnlySpan<byte> input)
        => target.Run(input.Length > MaxInputBytes ? input[..MaxInputBytes] : input);
}
