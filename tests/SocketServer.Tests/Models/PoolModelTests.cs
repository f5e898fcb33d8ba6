namespace SocketServer.Tests.Models;

public sealed class PoolModelTests : ConcurrentModelTests
{
    protected override ServerModel Model => ServerModel.Pool;
}
