using SocketServer.Sessions;

namespace SharedList.Tests.Support;

/// <summary>What a session wrote and how it ended when fed by <see cref="SessionFeeder"/>.</summary>
internal sealed record FeedResult(byte[] Output, SessionStatus Status, int UnconsumedBytes);
