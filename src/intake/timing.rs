//! The timed pieces of one intake connection, for `listen`: a request body that must arrive
//! by a deadline ([`DeadlineBody`]), a response body that marks its request answered when
//! it is gone ([`AnsweredBody`]), and a socket that notes when bytes last arrived
//! ([`MeteredStream`]), so an idle keep-alive connection can tell idling from a slow next
//! request. They only observe and time; what to close is `listen`'s and `conns`' business.

use super::conns::ConnState;
use axum::body::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The request body did not arrive in time (`[intake] body_timeout_seconds`).
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTimedOut;

/// Whether a body error (as `axum::body::to_bytes` returns it) is a [`BodyTimedOut`].
pub fn is_body_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(e) = cur {
        if e.is::<BodyTimedOut>() {
            return true;
        }
        cur = e.source();
    }
    false
}

/// A request body that fails with [`BodyTimedOut`] if its end has not arrived by
/// `deadline`, however steadily it trickles.
pub struct DeadlineBody<B> {
    inner: B,
    deadline: Instant,
    /// Armed on the first wait, so a body that is already complete costs no timer.
    sleep: Option<Pin<Box<Sleep>>>,
}

impl<B> DeadlineBody<B> {
    pub fn new(inner: B, deadline: Instant) -> Self {
        Self {
            inner,
            deadline,
            sleep: None,
        }
    }
}

impl<B> Body for DeadlineBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|r| r.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        ready!(sleep.as_mut().poll(cx));
        Poll::Ready(Some(Err(Box::new(BodyTimedOut))))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Counts a request as being answered from its start until its response body is dropped
/// (written out, or the connection gone).
pub struct Answering {
    state: Arc<ConnState>,
    born: Instant,
}

impl Answering {
    pub fn start(state: Arc<ConnState>, born: Instant) -> Self {
        state.request_started();
        Self { state, born }
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.state.request_ended(micros_since(self.born));
    }
}

/// A response body that holds its request's [`Answering`] until it is dropped.
pub struct AnsweredBody {
    inner: axum::body::Body,
    _answering: Answering,
}

impl AnsweredBody {
    pub fn new(inner: axum::body::Body, answering: Answering) -> Self {
        Self {
            inner,
            _answering: answering,
        }
    }
}

impl Body for AnsweredBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

pub fn micros_since(born: Instant) -> u64 {
    u64::try_from(born.elapsed().as_micros()).unwrap_or(u64::MAX - 1)
}

/// A TCP stream that tells its [`ConnState`] when bytes arrive.
pub struct MeteredStream {
    inner: tokio::net::TcpStream,
    state: Arc<ConnState>,
    born: Instant,
}

impl MeteredStream {
    pub fn new(inner: tokio::net::TcpStream, state: Arc<ConnState>, born: Instant) -> Self {
        Self { inner, state, born }
    }
}

impl AsyncRead for MeteredStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        if buf.filled().len() > before {
            this.state.read_some(micros_since(this.born));
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for MeteredStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
