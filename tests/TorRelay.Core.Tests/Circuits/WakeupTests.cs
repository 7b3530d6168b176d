using TorRelay.Core.Circuits;

namespace TorRelay.Core.Tests.Circuits;

public class WakeupTests
{
    [Fact]
    public void Wake_resumes_a_waiter_on_the_waking_thread_before_it_returns()
    {
        // A read loop handling a SENDME must package the unblocked stream's cells itself, in its own batch.
        var wakeup = new Wakeup();
        int? resumedOn = null;
        async Task WaitAsync()
        {
            await wakeup.Task.ConfigureAwait(false);
            resumedOn = Environment.CurrentManagedThreadId;
        }
        var waiting = WaitAsync();

        int waker = 0;
        int? seenWhenWakeReturned = null;
        var thread = new Thread(() =>
        {
            waker = Environment.CurrentManagedThreadId;
            wakeup.Wake();
            seenWhenWakeReturned = resumedOn;
        });
        thread.Start();
        thread.Join();

        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Equal(waker, seenWhenWakeReturned);
    }

    [Fact]
    public void A_waiter_taking_the_task_after_a_wake_waits_for_the_next_one()
    {
        var wakeup = new Wakeup();
        var first = wakeup.Task;
        wakeup.Wake();
        var second = wakeup.Task;
        Assert.True(first.IsCompleted);
        Assert.False(second.IsCompleted);
        wakeup.Wake();
        Assert.True(second.IsCompleted);
    }
}
