using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>A started container. Disposing it stops and removes it (unless --keep), whether the run ended or was cancelled.</summary>
public sealed class ContainerRun : ISuiteProcess
{
    private readonly DockerEngine _engine;
    private readonly bool _keep;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private Task _logs = Task.CompletedTask;
    private Task<long> _exited = Task.FromResult(-1L);
    private int _disposed;

    internal ContainerRun(DockerEngine engine, string id, bool keep, ILogger log)
    {
        _engine = engine;
        Id = id;
        _keep = keep;
        _log = log;
    }

    public string Id { get; }

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>Completes with the container's exit code once its output has been read to the end.</summary>
    public Task<long> Exited => _exited;

    internal void Begin(Task logs, Task<Docker.DotNet.Models.ContainerWaitResponse> wait)
    {
        _logs = logs;
        _exited = WaitAsync(wait);
    }

    private async Task<long> WaitAsync(Task<Docker.DotNet.Models.ContainerWaitResponse> wait)
    {
        var response = await wait.ConfigureAwait(false);
        await _logs.ConfigureAwait(false);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            await _engine.StopAndRemoveAsync(Id, _keep).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Docker.DotNet.DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            // A cleanup failure must not hide why the run ended; the label lets the next run remove it.
            _log.LogWarning("could not remove container {Id} ({Message}); the next run removes it", Id[..12], ex.Message);
        }
        finally
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(_logs, _exited).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or Docker.DotNet.DockerApiException or IOException)
            {
                _log.LogDebug("container {Id}: output stream ended: {Message}", Id[..12], ex.Message);
            }
            _stopping.Dispose();
        }
    }
}
