using FsCheck;
using FsCheck.Fluent;

namespace WebSocketKit.Tests.Protocol;

/// <summary>
/// How a test cuts its input into the pieces a network might deliver: a list of piece sizes,
/// used in turn and then repeated, so that any split (down to one byte per call) can be drawn.
/// </summary>
public sealed record Chunking(int[] Sizes)
{
    /// <summary>Mostly tiny pieces (where the boundary bugs live), sometimes large ones.</summary>
    public static Gen<Chunking> Gen { get; } =
        FsCheck.Fluent.Gen.Frequency(
                (3, FsCheck.Fluent.Gen.Choose(1, 4)),
                (2, FsCheck.Fluent.Gen.Choose(1, 20)),
                (1, FsCheck.Fluent.Gen.Choose(1, 70000)))
            .ArrayOf()
            .Select(sizes => new Chunking(sizes.Length == 0 ? [1] : sizes));

    /// <summary>One byte per call.</summary>
    public static Chunking OneByte { get; } = new([1]);

    /// <summary>The size of the <paramref name="index"/>-th piece.</summary>
    public int this[int index] => Sizes[index % Sizes.Length];

    /// <summary>The next piece of <paramref name="input"/> starting at <paramref name="position"/>.</summary>
    public ReadOnlySpan<byte> Piece(ReadOnlySpan<byte> input, int position, int index)
        => input.Slice(position, Math.Min(this[index], input.Length - position));

    public override string ToString() => $"Chunking [{string.Join(",", Sizes)}]";
}
