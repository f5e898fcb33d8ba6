namespace SocketServer.Tests.Models;

public sealed class EpollModelTests : ConcurrentModelTests
{
    protected override ServerModel Model => ServerModel.Epoll;
}
