using System.Buffers;
using System.Net;
using System.Net.Sockets;
using SharedList.Bench.Load;
using SharedList.Bench.Measurement;
using SharedList.Bench.Resp;
using SharedList.Bench.Targets;

namespace SharedList.Bench.Tests;

/// <summary>
/// The store targets of <c>--spawn</c>: a model over the journal or the Redis store, and Redis with its AOF. How
/// the names parse, the command lines they start (checked on a stand-in for <c>sharedlist serve</c> that records
/// its arguments, and on a real redis-server), and that their temporary directories and redis-servers go with them.
/// </summary>
public sealed class StoreTargetTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void Spawn_takes_a_model_over_a_store_and_redis_with_its_aof()
    {
        Assert.Equal(
            ["async+journal", "epoll+journal-always", "select+journal-no", "threading+redis", "redis-aof-always", "redis-aof-everysec", "async"],
            SpawnKind.TryParseList("async+journal, EPOLL+Journal-Always,select+journal-no,threading+redis,redis-aof-always,REDIS-AOF-EVERYSEC,async", out _));
        Assert.Equal(new ModelSpawn("async", SpawnStore.Journal, "everysec"), ModelSpawn.Parse("async+journal"));
        Assert.Equal(new ModelSpawn("epoll", SpawnStore.Journal, "always"), ModelSpawn.Parse("Epoll+journal-ALWAYS"));
        Assert.Equal(new ModelSpawn("pool", SpawnStore.Journal, "no"), ModelSpawn.Parse("pool+journal-no"));
        Assert.Equal(new ModelSpawn("async", SpawnStore.Redis, null), ModelSpawn.Parse("async+redis"));
        Assert.Equal(new ModelSpawn("async", SpawnStore.Memory, null), ModelSpawn.Parse("async"));
        Assert.Equal("epoll+journal-always", ModelSpawn.Parse("EPOLL+journal-always").Name);

        Assert.True(SpawnKind.IsModel("async+journal"));
        Assert.True(SpawnKind.IsModel("async+redis"));
        Assert.False(SpawnKind.IsModel("redis-aof-always"));
        Assert.True(SpawnKind.IsRedis("redis-aof-everysec"));
        Assert.False(SpawnKind.IsRedis("async+redis"));
        Assert.True(SpawnKind.NeedsRedisServer("async+redis"));
        Assert.True(SpawnKind.NeedsRedisServer("redis-aof-always"));
        Assert.False(SpawnKind.NeedsRedisServer("async+journal"));
        Assert.False(SpawnKind.NeedsRedisServer("garnet"));

        Assert.Null(SpawnKind.TryParseList("async+journal,ASYNC+JOURNAL", out var twice));
        Assert.Contains("twice", twice, StringComparison.Ordinal);
        Assert.Null(SpawnKind.TryParseList("async+disk", out var store));
        Assert.Contains("'disk' is not a store", store, StringComparison.Ordinal);
        Assert.Contains("journal, journal-always, journal-no, redis", store, StringComparison.Ordinal);
        Assert.Null(SpawnKind.TryParseList("forking+journal", out var model));
        Assert.Contains("'forking' is not a model", model, StringComparison.Ordinal);
        Assert.Null(SpawnKind.TryParseList("async+", out var empty));
        Assert.Contains("'' is not a store", empty, StringComparison.Ordinal);

        // The usage error names every kind, the new ones included.
        Assert.Null(SpawnKind.TryParseList("redis-aof", out var unknown));
        Assert.Contains("unknown", unknown, StringComparison.Ordinal);
        Assert.Contains("redis, garnet, redis-aof-always, redis-aof-everysec", unknown, StringComparison.Ordinal);
        Assert.Contains("MODEL+journal, MODEL+journal-always, MODEL+journal-no, MODEL+redis", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_store_gives_serve_its_options()
    {
        var redis = new IPEndPoint(IPAddress.Loopback, 6380);
        Assert.Empty(ModelSpawn.Parse("async").StoreOptions(null, null));
        Assert.Equal(["--data", "/d", "--fsync", "everysec"], ModelSpawn.Parse("async+journal").StoreOptions("/d", null));
        Assert.Equal(["--data", "/d", "--fsync", "always"], ModelSpawn.Parse("async+journal-always").StoreOptions("/d", null));
        Assert.Equal(["--data", "/d", "--fsync", "no"], ModelSpawn.Parse("async+journal-no").StoreOptions("/d", null));
        Assert.Equal(["--store", "redis://127.0.0.1:6380"], ModelSpawn.Parse("async+redis").StoreOptions(null, redis));
        Assert.Throws<ArgumentException>(() => ModelSpawn.Parse("async+journal").StoreOptions(null, redis));
        Assert.Throws<ArgumentException>(() => ModelSpawn.Parse("async+redis").StoreOptions("/d", null));
        Assert.Throws<ArgumentException>(() => ModelSpawn.Parse("forking"));
    }

    [Fact]
    public void Redis_runs_without_persistence_or_with_its_aof_fsynced_as_named()
    {
        Assert.Equal(["--port", "7000", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], SpawnKind.RedisArguments(SpawnKind.Redis, 7000, null));
        Assert.Equal(
            ["--port", "7000", "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", "/aof"],
            SpawnKind.RedisArguments(SpawnKind.RedisAofAlways, 7000, "/aof"));
        Assert.Equal(
            ["--port", "7000", "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--dir", "/aof"],
            SpawnKind.RedisArguments(SpawnKind.RedisAofEverysec, 7000, "/aof"));
        Assert.Throws<ArgumentException>(() => SpawnKind.RedisArguments(SpawnKind.RedisAofAlways, 7000, null));
        Assert.Throws<ArgumentException>(() => SpawnKind.RedisArguments(SpawnKind.Garnet, 7000, null));
    }

    [Fact]
    public void The_file_system_of_a_path_is_its_longest_mount_point()
    {
        string[] mounts =
        [
            "/dev/vda / ext4 rw,relatime 0 0",
            "tmpfs /tmp tmpfs rw 0 0",
            "/dev/vdb /tmp/disk xfs rw 0 0",
            "/dev/vdc /mnt/with\\040space btrfs rw 0 0",
        ];
        Assert.Equal("ext4", FileSystems.TypeIn(mounts, "/work/data"));
        Assert.Equal("tmpfs", FileSystems.TypeIn(mounts, "/tmp/sharedlist-bench-journal-1"));
        Assert.Equal("tmpfs", FileSystems.TypeIn(mounts, "/tmp/diskette"));
        Assert.Equal("xfs", FileSystems.TypeIn(mounts, "/tmp/disk/journal"));
        Assert.Equal("btrfs", FileSystems.TypeIn(mounts, "/mnt/with space/x"));
        Assert.Null(FileSystems.TypeIn([], "/x"));
        Assert.NotEqual("unknown", FileSystems.TypeOf(Path.GetTempPath()));
    }

    [Theory]
    [InlineData("async+journal", "everysec")]
    [InlineData("epoll+journal-always", "always")]
    [InlineData("select+journal-no", "no")]
    public async Task A_journal_target_gets_a_fresh_data_directory_which_goes_with_it(string name, string fsync)
    {
        using var recorder = new ServeRecorder();
        var (server, target) = await SpawnedServer.StartModelAsync(recorder.Command, name, core: null, ["--max-connections", "10"], StartTimeout, CancellationToken.None);
        var pid = server.Pid;
        string directory;
        await using (server)
        {
            directory = Assert.IsType<string>(server.DataDirectory);
            var model = ModelSpawn.Parse(name).Model;
            Assert.Equal(["serve", "--model", model, "--host", "127.0.0.1", "--port", "0", "--data", directory, "--fsync", fsync, "--max-connections", "10"], recorder.Arguments());
            Assert.True(Directory.Exists(directory), $"{directory} is missing while the server runs");
            Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
            Assert.Equal(name, target.Name);
            Assert.Empty(target.StorePids);
            Assert.Null(server.Store);

            // What a journal leaves in it, a subdirectory included, goes too.
            Directory.CreateDirectory(Path.Combine(directory, "rewrite"));
            await File.WriteAllTextAsync(Path.Combine(directory, "rewrite", "journal.tmp"), "x");
            await File.WriteAllTextAsync(Path.Combine(directory, "journal"), "x");
        }

        Assert.False(Directory.Exists(directory), $"{directory} outlived the target");
        Assert.False(Directory.Exists($"/proc/{pid}"), $"the server (pid {pid}) outlived its disposal");
    }

    [Fact]
    public async Task Two_journal_targets_never_share_a_directory()
    {
        using var recorder = new ServeRecorder();
        var (first, _) = await SpawnedServer.StartModelAsync(recorder.Command, "async+journal", core: null, [], StartTimeout, CancellationToken.None);
        await using (first)
        {
            var (second, _) = await SpawnedServer.StartModelAsync(recorder.Command, "async+journal", core: null, [], StartTimeout, CancellationToken.None, "async+journal@baseline");
            await using (second)
            {
                Assert.NotEqual(first.DataDirectory, second.DataDirectory);
            }
        }
    }

    [Fact]
    public async Task A_server_that_refuses_its_store_is_reported_and_its_directory_deleted()
    {
        using var recorder = new ServeRecorder(refuse: "error: --data is not supported by this build");
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => SpawnedServer.StartModelAsync(recorder.Command, "async+journal-always", core: null, [], StartTimeout, CancellationToken.None));
        Assert.Contains("not supported", failure.Message, StringComparison.Ordinal);

        var arguments = recorder.Arguments();
        var directory = arguments[arguments.IndexOf("--data") + 1];
        Assert.StartsWith(Path.GetTempPath(), directory, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory), $"{directory} outlived a server that never started");
    }

    [Fact]
    public async Task A_model_over_redis_gets_a_redis_server_of_its_own_stopped_with_it()
    {
        RequireRedis("the Redis store target cannot be started");
        using var recorder = new ServeRecorder();
        var (server, target) = await SpawnedServer.StartModelAsync(recorder.Command, "async+redis", core: null, [], StartTimeout, CancellationToken.None);
        var pid = server.Pid;
        int storePid;
        await using (server)
        {
            var store = Assert.IsType<SpawnedServer>(server.Store);
            storePid = store.Pid;
            Assert.Equal([storePid], target.StorePids);
            Assert.Null(server.DataDirectory);

            var arguments = recorder.Arguments();
            Assert.Equal(["serve", "--model", "async", "--host", "127.0.0.1", "--port", "0", "--store"], arguments[..^1]);
            var url = new Uri(arguments[^1]);
            Assert.Equal("redis", url.Scheme);
            Assert.Equal("127.0.0.1", url.Host);

            // The redis-server there is running, answering, and keeps nothing on disk.
            var endPoint = new IPEndPoint(IPAddress.Loopback, url.Port);
            Assert.Equal("PONG", (await RequestAsync(endPoint, "PING")).Text);
            Assert.Equal(["appendonly", "no"], (await RequestAsync(endPoint, "CONFIG", "GET", "appendonly")).Items!.Select(i => i.Text));
            Assert.Equal(["save", ""], (await RequestAsync(endPoint, "CONFIG", "GET", "save")).Items!.Select(i => i.Text));
        }

        Assert.False(Directory.Exists($"/proc/{pid}"), $"the server (pid {pid}) outlived its disposal");
        Assert.False(Directory.Exists($"/proc/{storePid}"), $"its redis-server (pid {storePid}) outlived it");
    }

    [Theory]
    [InlineData(SpawnKind.RedisAofAlways, "always")]
    [InlineData(SpawnKind.RedisAofEverysec, "everysec")]
    public async Task Redis_with_its_aof_fsyncs_as_named_into_a_directory_that_goes_with_it(string kind, string fsync)
    {
        var program = RequireRedis($"{kind} cannot be started");
        var (server, target) = await SpawnedServer.StartRespAsync(kind, program, core: null, [], StartTimeout, CancellationToken.None);
        var pid = server.Pid;
        string directory;
        await using (server)
        {
            directory = Assert.IsType<string>(server.DataDirectory);
            Assert.Equal(kind, target.Name);
            Assert.Equal(LoadProtocol.Resp, target.Protocol);
            Assert.Equal(["appendonly", "yes"], (await RequestAsync(target.EndPoint, "CONFIG", "GET", "appendonly")).Items!.Select(i => i.Text));
            Assert.Equal(["appendfsync", fsync], (await RequestAsync(target.EndPoint, "CONFIG", "GET", "appendfsync")).Items!.Select(i => i.Text));
            Assert.Equal(["dir", directory], (await RequestAsync(target.EndPoint, "CONFIG", "GET", "dir")).Items!.Select(i => i.Text));
            Assert.Equal(2, (await RequestAsync(target.EndPoint, "RPUSH", "k", "a", "b")).Value);

            // The list is reset between points with DEL, as for the redis target.
            await ListReset.ClearAsync(target, "k", TimeSpan.FromSeconds(10), CancellationToken.None);
            Assert.Equal(0, (await RequestAsync(target.EndPoint, "LLEN", "k")).Value);
            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories));
        }

        Assert.False(Directory.Exists(directory), $"{directory} outlived the target");
        Assert.False(Directory.Exists($"/proc/{pid}"), $"{kind} (pid {pid}) outlived its disposal");
    }

    [Fact]
    public async Task Plain_redis_keeps_no_directory()
    {
        var program = RequireRedis("the redis target cannot be started");
        var (server, target) = await SpawnedServer.StartRespAsync(SpawnKind.Redis, program, core: null, [], StartTimeout, CancellationToken.None);
        await using (server)
        {
            Assert.Null(server.DataDirectory);
            Assert.Equal(["appendonly", "no"], (await RequestAsync(target.EndPoint, "CONFIG", "GET", "appendonly")).Items!.Select(i => i.Text));
        }
    }

    /// <summary>redis-server's path; the calling test is skipped, saying what goes unchecked, when it is not installed.</summary>
    internal static string RequireRedis(string @unchecked)
    {
        var program = SpawnedServer.FindProgram(SpawnKind.Redis);
        if (program is null)
        {
            Assert.Skip($"redis-server is not installed: {@unchecked} (apt-get install redis-server)");
        }

        return program;
    }

    private static async Task<RespValue> RequestAsync(EndPoint endPoint, params string[] command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint, timeout.Token);
        var request = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(request, command);
        await socket.SendAsync(request.WrittenMemory, timeout.Token);
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            Assert.True(received > 0, $"{string.Join(' ', command)}: the connection closed before the reply");
            length += received;
            if (RespReader.TryRead(buffer.AsSpan(0, length), out var value, out _))
            {
                return value!;
            }
        }

        throw new InvalidOperationException($"{string.Join(' ', command)}: a reply too long");
    }

    /// <summary>
    /// A stand-in for <c>sharedlist serve</c>: a shell script that records the arguments it was given, one a line,
    /// then prints our readiness line and waits to be killed; or, with a refusal, prints it and exits 2.
    /// </summary>
    private sealed class ServeRecorder : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("bench-serve-recorder-").FullName;

        public ServeRecorder(string? refuse = null)
        {
            var file = Path.Combine(_directory, "arguments");
            var then = refuse is null
                ? "echo 'listening on 127.0.0.1:9 (async)'; exec sleep 300"
                : $"echo '{refuse}' >&2; exit 2";
            Command = new ProgramCommand("/bin/sh", ["-c", $"printf '%s\\n' \"$@\" > '{file}.tmp'; mv '{file}.tmp' '{file}'; {then}", "sharedlist"]);
        }

        public ProgramCommand Command { get; }

        /// <summary>The arguments of the last start.</summary>
        public List<string> Arguments() => [.. File.ReadAllLines(Path.Combine(_directory, "arguments"))];

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }
}
