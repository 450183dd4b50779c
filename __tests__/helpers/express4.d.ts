// The `express4` dev dependency is Express 4 under an alias; it has the same typings.
declare module 'express4' {
  import express from 'express';
  export default express;
}
