using Microsoft.Extensions.Logging.Abstractions;
using SharedList.Stores;
using SharedList.Stores.Redis;

namespace SharedList.Tests.Stores.Redis;

/// <summary>The store conformance suite on the Redis store over a real redis-server (skipped, saying so, where none is installed).</summary>
public sealed class RedisServerConformanceTests(RedisServerFixture server) : ListStoreConformanceTests, IClassFixture<RedisServerFixture>
{
    protected override IListStore CreateStore(int maxItems = InMemoryList.DefaultMaxItems) =>
        RedisListStore.Connect(server.EmptyTarget().StoreOptions(maxItems), NullLogger.Instance);
}

/// <summary>The store conformance suite on the Redis store over Garnet hosted in the test process.</summary>
public sealed class GarnetConformanceTests(GarnetFixture server) : ListStoreConformanceTests, IClassFixture<GarnetFixture>
{
    protected override IListStore CreateStore(int maxItems = InMemoryList.DefaultMaxItems) =>
        RedisListStore.Connect(server.EmptyTarget().StoreOptions(maxItems), NullLogger.Instance);
}
