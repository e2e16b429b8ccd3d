using WebSocketKit.Fuzz.Targets;
using Xunit;

namespace WebSocketKit.Fuzz.Tests;

/// <summary>The input-chosen split that both streaming targets use.</summary>
public class ChunkScheduleTests
{
    private static List<int> Pieces(byte[] input, out int dataLength)
    {
        ReadOnlySpan<byte> span = input;
        var schedule = ChunkSchedule.Read(ref span);
        dataLength = span.Length;
        var sizes = new List<int>();
        for (int pos = 0; pos < dataLength;)
        {
            int n = schedule.Next(dataLength - pos);
            sizes.Add(n);
            pos += n;
        }
        return sizes;
    }

    [Fact]
    public void No_entries_means_the_whole_data_in_one_piece()
        => Assert.Equal([10], Pieces([0, .. new byte[10]], out _));

    [Fact]
    public void Entries_repeat_until_the_data_runs_out_and_the_last_piece_is_cut()
        => Assert.Equal([2, 3, 2, 3, 1], Pieces([2, 2, 3, .. new byte[11]], out _));

    [Fact]
    public void A_set_top_bit_counts_in_units_of_64()
        => Assert.Equal([128, 72], Pieces([1, 0x82, .. new byte[200]], out _));

    [Fact]
    public void Zero_entries_give_empty_pieces_but_never_two_in_a_row()
        => Assert.Equal([0, 1, 0, 1, 0, 1], Pieces([2, 0, 0, .. new byte[3]], out _));

    [Fact]
    public void A_count_larger_than_the_input_takes_what_is_there()
    {
        Assert.Empty(Pieces([15, 3], out int data));
        Assert.Equal(0, data);
    }

    [Fact]
    public void Encode_writes_the_count_then_the_entries()
        => Assert.Equal([2, 7, 0x81], ChunkSchedule.Encode(7, 0x81));
}
