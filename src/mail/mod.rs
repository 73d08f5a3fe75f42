//! Mail in and out. `compose` builds messages (pure), `marks` makes and checks the threading
//! marks every outgoing message carries, `smtp` talks to the server, `outbox` is the durable
//! queue and its worker.

pub mod compose;
pub mod marks;
