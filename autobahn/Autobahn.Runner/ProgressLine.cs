using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>
/// "case N of M": rewritten in place on a terminal; when output is redirected, logged at about every 5%
/// so CI logs show progress without 517 lines.
/// </summary>
public sealed class ProgressLine(ILogger log, bool interactive)
{
    private int _lastLogged = -1;
    private bool _drawn;

    public static ProgressLine ForConsole(ILogger log) => new(log, !Console.IsErrorRedirected);

    public void Report(int n, int? total, string? caseId)
    {
        var of = total is { } m ? $" of {m}" : "";
        var id = caseId is null ? "" : $" ({caseId})";
        if (interactive)
        {
            Console.Error.Write($"\r  case {n}{of}{id}        ");
            _drawn = true;
            return;
        }
        var step = Math.Max(1, (total ?? 500) / 20);
        if (n == 1 || n == total || n - _lastLogged >= step)
        {
            _lastLogged = n;
            log.LogInformation("case {N}{Of}{Id}", n, of, id);
        }
    }

    public void Done()
    {
        if (_drawn) Console.Error.WriteLine();
        _drawn = false;
    }
}
