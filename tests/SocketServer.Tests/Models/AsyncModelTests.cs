namespace SocketServer.Tests.Models;

public sealed class AsyncModelTests : ConcurrentModelTests
{
    protected override ServerModel Model => ServerModel.Async;
}
