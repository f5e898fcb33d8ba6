namespace SharedList.Tests.Stores.Redis;

/// <summary>
/// One server shared by a test class's tests, emptied before each (the class's tests run one at a time). Where the
/// server cannot run here (no redis-server installed) there is none, and each test skips, saying why.
/// </summary>
public abstract class RedisTargetFixture(string kind) : IAsyncLifetime
{
    private RedisTarget? _target;

    /// <summary>The server, emptied; skips the calling test when it cannot run here.</summary>
    internal RedisTarget EmptyTarget()
    {
        if (_target is null)
        {
            RequiredTool.RedisServer.Require("the store conformance suite runs on Garnet only");
            throw new InvalidOperationException($"{kind} did not start");
        }

        _target.Flush();
        return _target;
    }

    public async ValueTask InitializeAsync()
    {
        if (kind != RedisTarget.RedisServer || RequiredTool.RedisServer.Find() is not null)
        {
            _target = await RedisTarget.StartAsync(kind);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_target is not null)
        {
            await _target.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>A real redis-server for a test class, where one is installed.</summary>
public sealed class RedisServerFixture() : RedisTargetFixture(RedisTarget.RedisServer);

/// <summary>Garnet hosted in the test process, for a test class.</summary>
public sealed class GarnetFixture() : RedisTargetFixture(RedisTarget.Garnet);
