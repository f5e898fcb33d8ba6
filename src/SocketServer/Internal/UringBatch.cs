using System.Runtime.InteropServices;

namespace SocketServer.Internal;

/// <summary>
/// An io_uring used as a batch of system calls: a round's receives (or sends) on non-blocking sockets are added,
/// then submitted and completed by one <c>io_uring_enter</c> that waits for all of them, where a loop would make one
/// call each. Every operation carries MSG_DONTWAIT, so it completes at once, with -EAGAIN if it would block: the ring
/// ignores a socket's own O_NONBLOCK and would otherwise wait for readiness, holding up the whole batch. The buffers
/// therefore need to stay pinned only during <see cref="SubmitAndComplete"/>. Linux 5.6 or later.
/// </summary>
/// <remarks>Threading: one thread (an event loop's).</remarks>
internal sealed unsafe partial class UringBatch : IDisposable
{
    private const int SetupSyscall = 425;
    private const int EnterSyscall = 426;
    private const uint EnterGetEvents = 1;
    private const byte OpSend = 26;
    private const byte OpRecv = 27;
    private const int DontWait = 0x40;
    private const int NoSignal = 0x4000;
    private const long OffSqRing = 0;
    private const long OffCqRing = 0x8000000;
    private const long OffSqes = 0x10000000;
    private const uint FeatSingleMmap = 1;

    private readonly int _fd;
    private readonly byte* _sqRing;
    private readonly byte* _cqRing;
    private readonly byte* _sqes;
    private readonly nuint _sqRingSize;
    private readonly nuint _cqRingSize;
    private readonly nuint _sqesSize;
    private readonly bool _singleMap;
    private readonly uint* _sqHead;
    private readonly uint* _sqTail;
    private readonly uint _sqMask;
    private readonly uint* _sqArray;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly byte* _cqes;
    private readonly uint _entries;
    private uint _pending;

    [StructLayout(LayoutKind.Sequential)]
    private struct Params
    {
        public uint SqEntries, CqEntries, Flags, SqThreadCpu, SqThreadIdle, Features, WqFd, Resv0, Resv1, Resv2;
        public uint SqHead, SqTail, SqRingMask, SqRingEntries, SqFlags, SqDropped, SqArray, SqResv1;
        public ulong SqUserAddr;
        public uint CqHead, CqTail, CqRingMask, CqRingEntries, CqOverflow, CqCqes, CqFlags, CqResv1;
        public ulong CqUserAddr;
    }

    private UringBatch(int fd, in Params p)
    {
        _fd = fd;

        _entries = p.SqEntries;
        _sqRingSize = p.SqArray + (p.SqEntries * 4);
        _cqRingSize = p.CqCqes + (p.CqEntries * 16);
        _singleMap = (p.Features & FeatSingleMmap) != 0;
        if (_singleMap)
        {
            _sqRingSize = _cqRingSize = Math.Max(_sqRingSize, _cqRingSize);
        }

        _sqRing = Map(_sqRingSize, OffSqRing);
        _cqRing = _singleMap ? _sqRing : Map(_cqRingSize, OffCqRing);
        _sqesSize = p.SqEntries * 64;
        _sqes = Map(_sqesSize, OffSqes);
        _sqHead = (uint*)(_sqRing + p.SqHead);
        _sqTail = (uint*)(_sqRing + p.SqTail);
        _sqMask = *(uint*)(_sqRing + p.SqRingMask);
        _sqArray = (uint*)(_sqRing + p.SqArray);
        _cqHead = (uint*)(_cqRing + p.CqHead);
        _cqTail = (uint*)(_cqRing + p.CqTail);
        _cqMask = *(uint*)(_cqRing + p.CqRingMask);
        _cqes = _cqRing + p.CqCqes;
    }

    /// <summary>Operations one batch may hold.</summary>
    public uint Capacity => _entries;

    /// <summary>A ring of <paramref name="entries"/> operations, or null with the reason the kernel refused it.</summary>
    public static UringBatch? TryCreate(uint entries, out string? refusal)
    {
        Params p = default;
        var fd = (int)syscall(SetupSyscall, entries, (nint)(&p), 0, 0, 0, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            refusal = errno switch
            {
                1 => "EPERM: io_uring is disabled here (kernel.io_uring_disabled, or a seccomp profile)",
                38 => "ENOSYS: this kernel has no io_uring",
                12 => "ENOMEM: no memory for the ring (RLIMIT_MEMLOCK on kernels before 5.12)",
                _ => $"errno {errno}",
            };
            return null;
        }

        if (p.CqCqes == 0 || p.SqArray == 0)
        {
            _ = close(fd);
            refusal = "the kernel gave no ring offsets";
            return null;
        }

        try
        {
            refusal = null;
            return new UringBatch(fd, p);
        }
        catch (InvalidOperationException e)
        {
            _ = close(fd);
            refusal = e.Message;
            return null;
        }
    }

    /// <summary>Adds a receive into <paramref name="buffer"/>, pinned until <see cref="SubmitAndComplete"/> returns.</summary>

    public void AddReceive(int fd, byte* buffer, int length, ulong token) => Add(OpRecv, fd, buffer, length, DontWait, token);

    /// <summary>Adds a send of <paramref name="buffer"/>, pinned until <see cref="SubmitAndComplete"/> returns.</summary>
    public void AddSend(int fd, byte* buffer, int length, ulong token) => Add(OpSend, fd, buffer, length, DontWait | NoSignal, token);

    /// <summary>Submits what was added and waits for every completion, each passed to <paramref name="completed"/> (token, result: bytes or -errno).</summary>
    public void SubmitAndComplete<TState>(TState state, Action<TState, ulong, int> completed)
    {
        var submitted = _pending;
        if (submitted == 0)
        {
            return;
        }

        Volatile.Write(ref *_sqTail, *_sqTail + submitted);
        _pending = 0;
        var done = 0u;
        var toSubmit = submitted;
        while (done < submitted)
        {
            var result = syscall(EnterSyscall, _fd, toSubmit, submitted - done, EnterGetEvents, 0, 0);
            if (result < 0)
            {
                // EINTR: a signal arrived before the wait ended; what was submitted stays submitted.
                var errno = Marshal.GetLastPInvokeError();
                if (errno == 4)
                {
                    continue;
                }

                throw new InvalidOperationException($"io_uring_enter failed: errno {errno}");
            }

            toSubmit = 0;
            var head = *_cqHead;
            var tail = Volatile.Read(ref *_cqTail);
            while (head != tail)
            {
                var cqe = _cqes + ((head & _cqMask) * 16);
                completed(state, *(ulong*)cqe, *(int*)(cqe + 8));
                head++;
                done++;
            }

            Volatile.Write(ref *_cqHead, head);
        }
    }

    public void Dispose()
    {
        _ = munmap(_sqes, _sqesSize);
        if (!_singleMap)
        {
            _ = munmap(_cqRing, _cqRingSize);
        }

        _ = munmap(_sqRing, _sqRingSize);
        _ = close(_fd);
    }

    private void Add(byte opcode, int fd, byte* buffer, int length, int flags, ulong token)
    {
        var tail = *_sqTail + _pending;
        var index = tail & _sqMask;
        var sqe = _sqes + (index * 64);
        new Span<byte>(sqe, 64).Clear();
        sqe[0] = opcode;
        *(int*)(sqe + 4) = fd;
        *(ulong*)(sqe + 16) = (ulong)buffer;
        *(uint*)(sqe + 24) = (uint)length;
        *(int*)(sqe + 28) = flags;
        *(ulong*)(sqe + 32) = token;
        _sqArray[index] = index;
        _pending++;
    }

    private byte* Map(nuint size, long offset) => Map(_fd, size, offset);

    private static byte* Map(int fd, nuint size, long offset)
    {
        const int ProtReadWrite = 3;
        const int MapSharedPopulate = 0x01 | 0x8000;
        var address = mmap(null, size, ProtReadWrite, MapSharedPopulate, fd, offset);
        if (address == (void*)-1)
        {
            throw new InvalidOperationException($"mmap of io_uring failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return (byte*)address;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, long a, long b, long c, long d, long e, long f);

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc")]
    private static partial int munmap(void* address, nuint length);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
