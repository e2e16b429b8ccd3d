using System.Text;
using Autobahn.Engine.Modes;

namespace Autobahn.Runner;

/// <summary>
/// The built-in engine's wstest run inside this process (the same command line and code as the wstest executable,
/// through <see cref="WstestCommand"/>), so the installed tool needs nothing beside itself. Its output arrives line by
/// line like a child process's; disposing it cancels the run and waits for its end (fuzzingserver writes its reports
/// on the way out, as on Ctrl-C).
/// </summary>
public sealed class InProcessSuite : ISuiteProcess
{
    private readonly CancellationTokenSource _stop = new();

    private InProcessSuite(IReadOnlyList<string> arguments, Action<string> onLine)
    {
        var writer = new LineWriter(onLine);
        Exited = Task.Run(async () => (long)await WstestCommand.RunAsync(arguments, writer, writer, _stop.Token).ConfigureAwait(false));
    }

    public Task<long> Exited { get; }

    public static InProcessSuite Start(IReadOnlyList<string> arguments, Action<string> onLine) => new(arguments, onLine);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Exited.ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>A TextWriter that hands each complete line to a callback (thread-safe: cases report from many tasks).</summary>
    private sealed class LineWriter(Action<string> onLine) : TextWriter
    {
        private readonly StringBuilder _line = new();
        private readonly Lock _gate = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_gate)
            {
                if (value == '\n')
                {
                    onLine(_line.ToString().TrimEnd('\r'));
                    _line.Clear();
                }
                else _line.Append(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                foreach (var line in (_line.ToString() + value).Split('\n')) onLine(line.TrimEnd('\r'));
                _line.Clear();
            }
        }
    }
}
