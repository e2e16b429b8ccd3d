using System.Buffers;
using System.Buffers.Binary;
using System.Text.Unicode;
using WebSocketKit.Protocol;
using static WebSocketKit.Fuzz.Targets.FuzzFindingException;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// The Sans-IO <see cref="MessageReceiver"/> fed an arbitrary byte stream. Input: four option bytes
/// (<see cref="ReceiverOptions"/>: role, permessage-deflate with any agreed parameters, read limit and a
/// lowered limit with the call it applies from, destination size, fast path, in-place payload), a
/// <see cref="ChunkSchedule"/>, then the wire bytes. Every call is checked against the receiver's
/// contract (bounds, progress, event order, the limit, UTF-8 of whole text messages, Close and Error
/// final and repeated, close codes), and the outcome against a second receiver given the whole
/// wire with a large destination: the split must not change the messages, the control frames or
/// the ending.
/// </summary>
public sealed class ReceiverTarget : IFuzzTarget
{
    public string Name => "receiver";

    public IEnumerable<FuzzSeed> Seeds() => ReceiverSeeds.All();

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < ReceiverOptions.Size) return;
        var options = ReceiverOptions.Read(input);
        input = input[ReceiverOptions.Size..];
        var schedule = ChunkSchedule.Read(ref input);
        var wire = input.ToArray();

        var split = new Session(options, wire);
        split.Feed(ref schedule);
        if (split.Inconclusive) return;
        if (options.Compression is null) split.CheckRsv1Refused();
        // A lowered limit applies only to the split run, so its outcome may differ.
        if (split.Lowered) return;
        var whole = new Session(options.Whole, wire);
        var once = default(ChunkSchedule);
        whole.Feed(ref once);
        if (whole.Inconclusive) return;
        for (int i = 0; i < Math.Min(split.Outcome.Count, whole.Outcome.Count); i++)
            Check(split.Outcome[i] == whole.Outcome[i], $"outcome {i} depends on the split: {Describe(split, whole)}");
        Check(split.Outcome.Count == whole.Outcome.Count, $"the split changes the number of outcomes: {Describe(split, whole)}");
    }

    private static string Describe(Session split, Session whole)
        => $"split [{string.Join(", ", split.Outcome)}] vs whole [{string.Join(", ", whole.Outcome)}]";

    /// <summary>One thing a receiver reported, compared between the runs: a message, a control frame or the ending.</summary>
    private sealed record Outcome(string Kind, byte[] Data)
    {
        public bool Equals(Outcome? other) => other is not null && Kind == other.Kind && Data.AsSpan().SequenceEqual(other.Data);
        public override int GetHashCode() => Kind.GetHashCode();
        public override string ToString() => $"{Kind}({Data.Length} bytes)";
    }

    // One receiver and the bookkeeping of what it delivered.
    private sealed class Session(ReceiverOptions o, byte[] wire)
    {
        // Past these a run is only slow (a deflate bomb read one byte at a time), not wrong: stop it unjudged.
        private const long MaxCalls = 300_000;
        private const long MaxDelivered = 4 << 20;

        private readonly MessageReceiver _receiver = new(o.Role, o.ReadLimit, o.Compression);
        private readonly byte[] _destination = new byte[o.DestinationSize];
        private readonly ArrayBufferWriter<byte> _wholeMessage = new();
        private readonly MemoryStream _message = new();
        private int _pos;           // wire bytes consumed
        private int _boundary;      // where the last message or control frame ended: the next header starts here
        private int _lowerPos = -1; // wire position when the limit was lowered
        private long _calls, _pieces, _delivered;
        private bool _inMessage;
        private MessageType _type;
        private long _bound;        // the most the open message may deliver

        public List<Outcome> Outcome { get; } = [];
        public ReceiveEvent Ending { get; private set; }
        public bool Inconclusive { get; private set; }
        public bool Lowered => _lowerPos >= 0;

        public void Feed(ref ChunkSchedule schedule)
        {
            do
            {
                int end = _pos + schedule.Next(wire.Length - _pos);
                _pieces++;
                if (!FeedPiece(end)) break;
            } while (_pos < wire.Length);
            if (Inconclusive) return;
            if (Ending is ReceiveEvent.Close or ReceiveEvent.Error)
            {
                CheckFinished();
                return;
            }
            Check(_pos == wire.Length && !_receiver.IsFinished, "a receiver that is not finished read all the wire");
            Outcome.Add(new(_inMessage ? $"open {_type}" : "need more", _inMessage ? _message.ToArray() : []));
        }

        // Feeds wire[_pos..end) until the receiver wants more; false once it is finished (or the run is too slow).
        private bool FeedPiece(int end)
        {
            while (true)
            {
                if (_calls > MaxCalls || _delivered > MaxDelivered) { Inconclusive = true; return false; }
                if (o.FastPath && !_receiver.InMessage && _pos < end && TryWholeMessage(end)) continue;
                if (++_calls == o.LowerAt)
                {
                    _receiver.ReadLimit = Math.Min(_receiver.ReadLimit, o.LoweredLimit);
                    _lowerPos = _pos;
                }
                // In place: the next payload bytes are "received" straight into the destination, which is
                // then the input too.
                int direct = o.Direct && _pos < end ? Math.Min(_receiver.DirectPayloadLength, Math.Min(end - _pos, _destination.Length)) : 0;
                ReadOnlySpan<byte> input = wire.AsSpan(_pos, end - _pos);
                if (direct > 0)
                {
                    wire.AsSpan(_pos, direct).CopyTo(_destination);
                    input = _destination.AsSpan(0, direct);
                }
                var ev = _receiver.Receive(input, _destination, out int consumed, out int written);
                Check(consumed >= 0 && consumed <= input.Length, $"{ev}: consumed {consumed} of the {input.Length} bytes given");
                Check(written >= 0 && written <= _destination.Length, $"{ev}: wrote {written} into {_destination.Length} bytes");
                _pos += consumed;
                Check(_calls <= 4 * (_pos + _delivered) + 2 * _pieces + 16,
                    $"{_calls} calls for {_pos} bytes read and {_delivered} delivered: the receiver does not make progress");
                if (ev == ReceiveEvent.NeedMoreData)
                {
                    Check(consumed == input.Length, $"NeedMoreData after using {consumed} of {input.Length} bytes");
                    Check(!_receiver.IsFinished, "NeedMoreData from a finished receiver");
                    if (_pos == end) return true;
                    continue;
                }
                if (!OnEvent(ev, _destination.AsSpan(0, written))) return false;
            }
        }

        private bool TryWholeMessage(int end)
        {
            _wholeMessage.ResetWrittenCount();
            bool taken = _receiver.TryReceiveWholeMessage(wire.AsSpan(_pos, end - _pos), _wholeMessage, out int consumed, out var type);
            if (!taken)
            {
                Check(consumed == 0 && _wholeMessage.WrittenCount == 0, "a refused fast path changes nothing");
                return false;
            }
            // At least one byte: the fast path may finish a header that Receive began.
            Check(consumed >= 1 && consumed <= end - _pos, $"the fast path consumed {consumed} of {end - _pos} bytes");
            Check(o.Compression is null, "the fast path never takes a message on a compressing connection");
            Check(type == _receiver.MessageType && !_receiver.InMessage && !_receiver.IsFinished, "after the fast path no message is open");
            _pos += consumed;
            Start(type);
            Data(_wholeMessage.WrittenSpan);
            End();
            return true;
        }

        private bool OnEvent(ReceiveEvent ev, ReadOnlySpan<byte> written)
        {
            Check(_receiver.IsFinished == (ev is ReceiveEvent.Close or ReceiveEvent.Error), $"IsFinished after {ev}");
            switch (ev)
            {
                case ReceiveEvent.MessageStart:
                    Check(_receiver.InMessage, "InMessage after MessageStart");
                    Check(o.Compression is not null || !_receiver.MessageCompressed, "no compressed message without permessage-deflate");
                    Start(_receiver.MessageType);
                    return true;
                case ReceiveEvent.Data:
                    Check(written.Length > 0, "Data delivers at least one byte");
                    Data(written);
                    return true;
                case ReceiveEvent.MessageEnd:
                    Check(!_receiver.InMessage, "no message open after MessageEnd");
                    End();
                    return true;
                case ReceiveEvent.Ping or ReceiveEvent.Pong:
                    var payload = _receiver.ControlPayload.Span;
                    Check(payload.Length <= FrameHeader.MaxControlPayload, $"a {ev} of {payload.Length} bytes");
                    Check(_receiver.InMessage == _inMessage, $"a {ev} leaves the message state alone");
                    Outcome.Add(new(ev.ToString(), payload.ToArray()));
                    _boundary = _pos;
                    return true;
                case ReceiveEvent.Close:
                    OnClose();
                    return false;
                case ReceiveEvent.Error:
                    OnError();
                    return false;
                default:
                    throw new FuzzFindingException($"undefined event {ev}");
            }
        }

        private void Start(MessageType type)
        {
            Check(!_inMessage, "MessageStart while a message is open");
            Check(type is MessageType.Text or MessageType.Binary, $"a message of type {type}");
            _inMessage = true;
            _type = type;
            _message.SetLength(0);
            // A message whose header was read wholly after the limit was lowered obeys the lowered limit.
            _bound = Lowered && _boundary >= _lowerPos ? Math.Min(o.ReadLimit, o.LoweredLimit) : o.ReadLimit;
        }

        private void Data(ReadOnlySpan<byte> bytes)
        {
            Check(_inMessage, "Data outside a message");
            _message.Write(bytes);
            _delivered += bytes.Length;
            Check(_message.Length <= _bound, $"{_message.Length} bytes delivered in a message limited to {_bound}");
            Check(_receiver.MessageLength == _message.Length, $"MessageLength {_receiver.MessageLength} counts the {_message.Length} bytes delivered");
        }

        private void End()
        {
            Check(_inMessage, "MessageEnd outside a message");
            var data = _message.ToArray();
            Check(_type != MessageType.Text || Utf8.IsValid(data), "a whole text message is valid UTF-8");
            Outcome.Add(new($"message {_type}", data));
            _inMessage = false;
            _boundary = _pos;
        }

        private void OnClose()
        {
            var body = _receiver.ControlPayload.Span;
            var verdict = CloseFrameCheck.Expected(body);
            Check(verdict == ProtocolError.None, $"a Close whose body is refused by the RFC ({verdict})");
            ushort code = body.Length == 0 ? CloseStatus.NoStatusReceived : BinaryPrimitives.ReadUInt16BigEndian(body);
            Check(_receiver.CloseCode == code, $"CloseCode {_receiver.CloseCode}, the body says {code}");
            Check(_receiver.CloseReason.SequenceEqual(body.Length < 2 ? [] : body[2..]), "CloseReason is the body after the code");
            Ending = ReceiveEvent.Close;
            Outcome.Add(new("close", body.ToArray()));
        }

        private void OnError()
        {
            var error = _receiver.Error;
            ushort code = _receiver.ErrorCloseCode;
            Check(error != ProtocolError.None, "an Error names its error");
            Check(code is CloseStatus.ProtocolError or CloseStatus.InvalidPayloadData or CloseStatus.MessageTooBig, $"{error} closes with {code}");
            Check(code == ProtocolErrors.CloseCode(error), $"{error} closes with {code}");
            Ending = ReceiveEvent.Error;
            Outcome.Add(new($"error {error}", []));
        }

        // A finished receiver repeats its ending, consuming and writing nothing, and takes no fast path.
        private void CheckFinished()
        {
            var error = _receiver.Error;
            var rest = _pos < wire.Length ? wire.AsSpan(_pos) : [0x81, 0x00];
            for (int i = 0; i < 2; i++)
            {
                var again = _receiver.Receive(rest, _destination, out int consumed, out int written);
                Check(again == Ending && consumed == 0 && written == 0 && _receiver.Error == error,
                    $"after {Ending}, a call returns {again}, consuming {consumed} and writing {written}");
            }
            _wholeMessage.ResetWrittenCount();
            Check(!_receiver.TryReceiveWholeMessage(rest, _wholeMessage, out int c, out _) && c == 0 && _wholeMessage.WrittenCount == 0,
                $"after {Ending} the fast path takes nothing");
        }

        /// <summary>
        /// Without permessage-deflate, a frame with RSV1 is a protocol error (RFC 6455 section 5.2): when it is
        /// the first frame the framing rules refuse, the receiver may not read past it and end without an error.
        /// </summary>
        public void CheckRsv1Refused()
        {
            if (Ending != ReceiveEvent.NeedMoreData) return;
            var reference = FrameReference.Of(wire, new FrameTargetOptions(o.Role, false, long.MaxValue, false, 1));
            if (reference.Fail is not { } fail) return;
            int start = fail.FrameIndex == 0 ? 0 : (int)(reference.Frames[fail.FrameIndex - 1].HeaderEnd + reference.Frames[fail.FrameIndex - 1].Header.PayloadLength);
            Check((wire[start] & 0x40) == 0, $"the frame at byte {start} has RSV1 without permessage-deflate, and the receiver did not fail");
        }
    }
}
