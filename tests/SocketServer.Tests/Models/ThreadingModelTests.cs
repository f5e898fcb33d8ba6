namespace SocketServer.Tests.Models;

public sealed class ThreadingModelTests : ConcurrentModelTests
{
    protected override ServerModel Model => ServerModel.Threading;
}
