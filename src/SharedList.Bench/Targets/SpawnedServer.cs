using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using SharedList.Bench.Load;
using SharedList.Bench.Measurement;

namespace SharedList.Bench.Targets;

/// <summary>
/// A server this process started for <c>--spawn</c>: one of our models (<c>sharedlist serve --port 0</c>, the
/// same build as this one), a reference server (<see cref="ReferenceServers"/>, given port 0), both found by the
/// readiness line they print, or <c>redis-server</c> or <c>garnet-server</c> on a free port; optionally pinned to
/// a core with <c>taskset</c>. Killed on dispose, and, as a last resort, when this process exits. What it was
/// started with goes with it: the temporary directory of a journal or of Redis's AOF is deleted, and the
/// redis-server under a model over the Redis store is stopped, once the server is gone.
/// </summary>
/// <remarks>Its output is read (and all but the last lines dropped) so that it never blocks on a full pipe.</remarks>
public sealed partial class SpawnedServer : IAsyncDisposable
{
    private const int KeptLines = 20;

    private static readonly ConcurrentDictionary<int, Process> Live = new();

    private static readonly ConcurrentDictionary<string, byte> LiveDirectories = new(StringComparer.Ordinal);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lastLines = new();
    private readonly TaskCompletionSource<string> _readiness = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _respReadiness = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;
    private string? _directory;
    private SpawnedServer? _store;

    static SpawnedServer()
    {
        // Ctrl+C and errors are handled by DisposeAsync; this catches an exit that skipped it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    private SpawnedServer(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>The target's name, as <c>--spawn</c> names it.</summary>
    public string Name { get; }

    /// <summary>The server's process id (taskset replaces itself with the server, so it is the server's).</summary>
    public int Pid => _process.Id;

    /// <summary>
    /// The temporary directory the server keeps its data in (a journal, Redis's AOF), deleted when it stops;
    /// null when it keeps none.
    /// </summary>
    public string? DataDirectory => _directory;

    /// <summary>The redis-server a model over the Redis store was started with, stopped with it; null for any other.</summary>
    public SpawnedServer? Store => _store;

    /// <summary>The last lines the server printed, for an error message.</summary>
    public string Output => string.Join(Environment.NewLine, _lastLines);

    /// <summary>Where to find a RESP server program: on PATH, or (Garnet) in the .NET global tools folder.</summary>
    public static string? FindProgram(string kind)
    {
        var program = SpawnKind.NeedsRedisServer(kind) ? "redis-server" : "garnet-server";
        var onPath = CpuAffinity.FindOnPath(program);
        if (onPath is not null || kind != SpawnKind.Garnet)
        {
            return onPath;
        }

        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", program);
        return File.Exists(tool) ? tool : null;
    }

    /// <summary>
    /// Starts <c>serve --model MODEL --port 0</c>, followed by the options of the store <paramref name="model"/>
    /// names (<see cref="ModelSpawn"/>: <c>async</c>, <c>async+journal</c>, <c>async+redis</c>, …) and by
    /// <paramref name="options"/> (e.g. <c>--max-connections</c>), and waits for its readiness line. A journal
    /// gets a fresh temporary directory; the Redis store gets a redis-server of its own, on a free port, pinned
    /// like the model. The target is named <paramref name="name"/>, <paramref name="model"/> when null.
    /// Throws <see cref="InvalidOperationException"/> with the server's output when it does not come, or when
    /// the Redis store is asked for and redis-server is not installed.
    /// </summary>
    public static async Task<(SpawnedServer Server, BenchTarget Target)> StartModelAsync(ProgramCommand self, string model, int? core, IReadOnlyList<string> options, TimeSpan timeout, CancellationToken cancellationToken, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(options);
        var spawn = ModelSpawn.Parse(model);
        name ??= model;
        string? directory = null;
        (SpawnedServer Server, BenchTarget Target)? store = null;
        try
        {
            if (spawn.Store == SpawnStore.Journal)
            {
                directory = CreateDataDirectory("journal");
            }
            else if (spawn.Store == SpawnStore.Redis)
            {
                var program = FindProgram(SpawnKind.Redis) ?? throw new InvalidOperationException($"{name}: redis-server is not installed (apt-get install redis-server)");
                store = await StartRespAsync(SpawnKind.Redis, program, core, [], timeout, cancellationToken).ConfigureAwait(false);
            }

            var storeOptions = spawn.StoreOptions(directory, store?.Target.EndPoint as IPEndPoint);
            var (server, target) = await StartLineAsync(name, $"sharedlist serve --model {spawn.Model} ({name})", self.FileName, [.. self.Prefix, "serve", "--model", spawn.Model, "--host", "127.0.0.1", "--port", "0", .. storeOptions, .. options], core, timeout, cancellationToken).ConfigureAwait(false);
            server._directory = directory;
            server._store = store?.Server;
            if (spawn.Resp)
            {
                // The Redis protocol's port is bound with the line protocol's; its line follows at once.
                string line;
                try
                {
                    line = await server._respReadiness.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException)
                {
                    await server.DisposeAsync().ConfigureAwait(false);
                    throw new InvalidOperationException($"{name} did not print '{RespReadinessPrefix}ADDR:PORT' within {timeout.TotalSeconds} s: {server.Output}", e);
                }

                target = target with { EndPoint = IPEndPoint.Parse(line[RespReadinessPrefix.Length..].Trim()), Protocol = LoadProtocol.Resp };
            }

            return (server, store is { } started ? target with { StorePids = [started.Server.Pid] } : target);
        }
        catch
        {
            if (store is { } started)
            {
                await started.Server.DisposeAsync().ConfigureAwait(false);
            }

            DeleteDirectory(directory);
            throw;
        }
    }

    /// <summary>
    /// Starts a reference server (<see cref="SpawnKind.References"/>) as <paramref name="command"/> <c>0</c>, and
    /// waits for the readiness line it prints like ours. <paramref name="command"/> comes from
    /// <see cref="ReferenceServers.PrepareAsync"/>. Throws <see cref="InvalidOperationException"/> with the
    /// server's output when the line does not come.
    /// </summary>
    public static Task<(SpawnedServer Server, BenchTarget Target)> StartReferenceAsync(string kind, ProgramCommand command, int? core, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var description = string.Join(' ', [Path.GetFileName(command.FileName), .. command.Prefix.Select(Path.GetFileName)]);
        return StartLineAsync(kind, $"{kind} ({description})", command.FileName, [.. command.Prefix, "0"], core, timeout, cancellationToken);
    }

    /// <summary>
    /// Starts <c>redis-server</c> or <c>garnet-server</c> (<paramref name="program"/>) on a free loopback port,
    /// with <paramref name="options"/> after ours (e.g. <c>--maxclients</c>), and waits until it accepts a
    /// connection. Redis runs as <paramref name="kind"/> asks (<see cref="SpawnKind.RedisArguments"/>): with no
    /// persistence, or with its AOF in a fresh temporary directory, deleted when it stops.
    /// </summary>
    public static async Task<(SpawnedServer Server, BenchTarget Target)> StartRespAsync(string kind, string program, int? core, IReadOnlyList<string> options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var port = FreePort();
        var directory = kind is SpawnKind.RedisAofAlways or SpawnKind.RedisAofEverysec ? CreateDataDirectory("aof") : null;
        SpawnedServer server;
        try
        {
            IReadOnlyList<string> arguments = SpawnKind.IsRedis(kind)
                ? [.. SpawnKind.RedisArguments(kind, port, directory), .. options]
                : ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", .. options];
            server = Start(kind, program, arguments, core);
        }
        catch
        {
            DeleteDirectory(directory);
            throw;
        }

        server._directory = directory;
        try
        {
            var endPoint = new IPEndPoint(IPAddress.Loopback, port);
            await WaitUntilAcceptingAsync(server, endPoint, timeout, cancellationToken).ConfigureAwait(false);
            return (server, new BenchTarget(kind, endPoint, LoadProtocol.Resp, server.Pid));
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts a server that speaks our line protocol and prints our readiness line, <c>listening on ADDR:PORT
    /// (NAME)</c>, with the port it bound; waits for that line and returns where it listens.
    /// </summary>
    private static async Task<(SpawnedServer Server, BenchTarget Target)> StartLineAsync(string name, string description, string program, IReadOnlyList<string> arguments, int? core, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var server = Start(name, program, arguments, core);
        try
        {
            string line;
            try
            {
                line = await server._readiness.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new InvalidOperationException($"{description} did not print its readiness line within {timeout.TotalSeconds} s: {server.Output}");
            }
            catch (InvalidOperationException e)
            {
                // Give its last words a moment to be read: they say why (a bad option, a port in use…).
                await server._process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException($"{description}: {e.Message}: {server.Output}", e);
            }

            var match = ReadinessLine().Match(line);
            if (!match.Success)
            {
                throw new InvalidOperationException($"{description} printed '{line}' instead of its readiness line: {server.Output}");
            }

            return (server, new BenchTarget(name, IPEndPoint.Parse(match.Groups["endpoint"].Value), LoadProtocol.Line, server.Pid));
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills the server (and anything it started) and waits for it to go. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or stuck beyond a kill: nothing more to do.
        }
        finally
        {
            Live.TryRemove(_process.Id, out _);
            _process.Dispose();
            if (_store is not null)
            {
                await _store.DisposeAsync().ConfigureAwait(false);
            }

            DeleteDirectory(_directory);
        }
    }

    // A fresh directory under the temp directory (TMPDIR), for a journal or an AOF: a server never finds another's data.
    private static string CreateDataDirectory(string what)
    {
        var directory = Directory.CreateTempSubdirectory($"sharedlist-bench-{what}-").FullName;
        LiveDirectories[directory] = 0;
        return directory;
    }

    private static void DeleteDirectory(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Gone already.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind under the temp directory; the run goes on.
        }

        LiveDirectories.TryRemove(directory, out _);
    }

    private static void KillAll()
    {
        foreach (var process in Live.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already.
            }
        }

        foreach (var directory in LiveDirectories.Keys)
        {
            DeleteDirectory(directory);
        }
    }

    private static SpawnedServer Start(string name, string program, IReadOnlyList<string> arguments, int? core)
    {
        var pinned = core is not null && CpuAffinity.TasksetPath is not null;
        var info = new ProcessStartInfo(pinned ? CpuAffinity.TasksetPath! : program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (pinned)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(core!.Value.ToString(CultureInfo.InvariantCulture));
            info.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A password in the environment would make our server refuse every request before AUTH.
        info.Environment["SHAREDLIST_PASSWORD"] = string.Empty;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        Live[process.Id] = process;
        var server = new SpawnedServer(name, process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data, stdout: false);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            server._readiness.TrySetException(new InvalidOperationException($"{name} exited before it was ready"));
            server._respReadiness.TrySetException(new InvalidOperationException($"{name} exited before it was ready"));
        };
        if (process.HasExited)
        {
            server._readiness.TrySetException(new InvalidOperationException($"{name} exited before it was ready"));
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static async Task WaitUntilAcceptingAsync(SpawnedServer server, IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"{server.Name} exited with code {server._process.ExitCode}: {server.Output}");
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (Stopwatch.GetTimestamp() < deadline)
            {
                // Not listening yet: it has no readiness line we can rely on across versions, so poll.
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new InvalidOperationException($"{server.Name} did not accept connections on {endPoint} within {timeout.TotalSeconds} s ({e.SocketErrorCode}): {server.Output}", e);
            }
        }
    }

    private void OnLine(string? line, bool stdout)
    {
        if (line is null)
        {
            return;
        }

        if (stdout && line.StartsWith("listening on ", StringComparison.Ordinal))
        {
            _readiness.TrySetResult(line);
        }
        else if (stdout && line.StartsWith(RespReadinessPrefix, StringComparison.Ordinal))
        {
            _respReadiness.TrySetResult(line);
        }

        _lastLines.Enqueue(line);
        while (_lastLines.Count > KeptLines)
        {
            _lastLines.TryDequeue(out _);
        }
    }

    // What `serve --resp-port` prints once the Redis protocol's port is bound: the prefix, then ADDR:PORT.
    private const string RespReadinessPrefix = "resp listening on ";

    [GeneratedRegex(@"^listening on (?<endpoint>\S+) \((?<model>[^)]+)\)$")]
    private static partial Regex ReadinessLine();
}
